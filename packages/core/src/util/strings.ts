/** String helpers that follow SPEC §0.3 conventions. */

/** Length in Unicode code points (SPEC §0.3, H-01), not UTF-16 units or bytes. */
export function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

export const UUID4 = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
export const ANY_UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** 'uuid4' | 'other-version' | 'invalid' (SPEC §0.3). */
export function classifyUuid(value: unknown): 'uuid4' | 'other-version' | 'invalid' {
  if (typeof value !== 'string') return 'invalid';
  if (UUID4.test(value)) return 'uuid4';
  if (ANY_UUID.test(value)) return 'other-version';
  return 'invalid';
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const describeType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Deterministic JSON: sorted keys where order is not meaningful, fixed formatting. */

/** JSON with object keys sorted, for hashing and comparing. `skip(key)` drops keys. */
export function stableStringify(value: unknown, skip?: (key: string) => boolean): string {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      if (seen.has(v)) throw new Error('stableStringify: cycle');
      seen.add(v);
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        if (skip?.(k)) continue;
        const x = (v as Record<string, unknown>)[k];
        if (x !== undefined) out[k] = walk(x);
      }
      seen.delete(v);
      return out;
    }
    return v;
  };
  return JSON.stringify(walk(value));
}

/** The compiler's JSON form: 2-space indentation, trailing newline (SPEC §0.3). Key order as built. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

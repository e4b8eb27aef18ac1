/**
 * A tiny JSON Schema (draft-07) validator for the keywords the `vkmp schema` documents
 * use — enough to check that the emitted documents accept and reject the same files as
 * the zod schemas they come from. An unknown validation keyword throws, so a document
 * using a keyword this validator ignores cannot pass silently.
 */
type Schema = boolean | Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples', 'definitions', '$defs']);
const KEYWORDS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'minProperties', 'maxProperties', 'items', 'additionalItems',
  'minItems', 'maxItems', 'uniqueItems', 'enum', 'const', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'anyOf', 'oneOf', 'allOf', 'not', '$ref',
]);

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const equal = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}
const codePoints = (s: string) => [...s].length;

/** Errors of `value` against `schema` (empty = valid), as `pointer: message`. */
export function validate(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const resolve = (ref: string): Schema => {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let node: unknown = root;
    for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
    return node as Schema;
  };
  const check = (schema: Schema, v: unknown, at: string, out: string[]): void => {
    if (schema === true) return;
    if (schema === false) return void out.push(`${at}: no value is allowed here`);
    for (const key of Object.keys(schema)) if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) throw new Error(`unsupported keyword ${key} at ${at}`);
    const s = schema;
    if (s.$ref !== undefined) check(resolve(s.$ref as string), v, at, out);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      const t = typeOf(v);
      if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) out.push(`${at}: expected ${types.join('|')}, got ${t}`);
    }
    if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => equal(e, v))) out.push(`${at}: not one of ${JSON.stringify(s.enum)}`);
    if (s.const !== undefined && !equal(s.const, v)) out.push(`${at}: expected ${JSON.stringify(s.const)}`);
    if (typeof v === 'string') {
      if (s.pattern !== undefined && !new RegExp(s.pattern as string, 'u').test(v)) out.push(`${at}: does not match ${s.pattern as string}`);
      if (s.minLength !== undefined && codePoints(v) < (s.minLength as number)) out.push(`${at}: shorter than ${s.minLength as number}`);
      if (s.maxLength !== undefined && codePoints(v) > (s.maxLength as number)) out.push(`${at}: longer than ${s.maxLength as number}`);
    }
    if (typeof v === 'number') {
      if (s.minimum !== undefined && v < (s.minimum as number)) out.push(`${at}: below ${s.minimum as number}`);
      if (s.maximum !== undefined && v > (s.maximum as number)) out.push(`${at}: above ${s.maximum as number}`);
      if (s.exclusiveMinimum !== undefined && v <= (s.exclusiveMinimum as number)) out.push(`${at}: not above ${s.exclusiveMinimum as number}`);
      if (s.exclusiveMaximum !== undefined && v >= (s.exclusiveMaximum as number)) out.push(`${at}: not below ${s.exclusiveMaximum as number}`);
    }
    if (Array.isArray(v)) {
      if (s.minItems !== undefined && v.length < (s.minItems as number)) out.push(`${at}: fewer than ${s.minItems as number} items`);
      if (s.maxItems !== undefined && v.length > (s.maxItems as number)) out.push(`${at}: more than ${s.maxItems as number} items`);
      if (s.uniqueItems === true && new Set(v.map((x) => JSON.stringify(canonical(x)))).size !== v.length) out.push(`${at}: items repeat`);
      if (Array.isArray(s.items)) {
        v.forEach((x, i) => {
          const item = (s.items as Schema[])[i];
          if (item !== undefined) check(item, x, `${at}/${i}`, out);
          else if (s.additionalItems !== undefined) check(s.additionalItems as Schema, x, `${at}/${i}`, out);
        });
      } else if (s.items !== undefined) v.forEach((x, i) => check(s.items as Schema, x, `${at}/${i}`, out));
    }
    if (isObject(v)) {
      const keys = Object.keys(v);
      if (s.minProperties !== undefined && keys.length < (s.minProperties as number)) out.push(`${at}: fewer than ${s.minProperties as number} properties`);
      if (s.maxProperties !== undefined && keys.length > (s.maxProperties as number)) out.push(`${at}: more than ${s.maxProperties as number} properties`);
      for (const r of (s.required as string[] | undefined) ?? []) if (!Object.hasOwn(v, r)) out.push(`${at}: missing ${r}`);
      const props = (s.properties as Record<string, Schema> | undefined) ?? {};
      for (const k of keys) {
        if (s.propertyNames !== undefined) check(s.propertyNames as Schema, k, `${at}/${k} (name)`, out);
        if (Object.hasOwn(props, k)) check(props[k]!, v[k], `${at}/${k}`, out);
        else if (s.additionalProperties !== undefined) check(s.additionalProperties as Schema, v[k], `${at}/${k}`, out);
      }
    }
    if (s.allOf) for (const sub of s.allOf as Schema[]) check(sub, v, at, out);
    if (s.anyOf) {
      const results = (s.anyOf as Schema[]).map((sub) => {
        const e: string[] = [];
        check(sub, v, at, e);
        return e;
      });
      if (!results.some((e) => e.length === 0)) out.push(`${at}: matches none of anyOf (${results.map((e) => e[0]).join('; ')})`);
    }
    if (s.oneOf) {
      const passing = (s.oneOf as Schema[]).filter((sub) => {
        const e: string[] = [];
        check(sub, v, at, e);
        return e.length === 0;
      }).length;
      if (passing !== 1) out.push(`${at}: matches ${passing} of oneOf`);
    }
    if (s.not !== undefined) {
      const e: string[] = [];
      check(s.not as Schema, v, at, e);
      if (!e.length) out.push(`${at}: matches not`);
    }
  };
  check(root, value, '', errors);
  return errors;
}

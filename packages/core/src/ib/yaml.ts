/**
 * YAML emission for image-based packages (SPEC §0.3): YAML that PyYAML (YAML 1.1, most
 * probably the Marketplace's JSON generator) and YAML 1.2 readers parse the same.
 *
 * - Keys keep insertion order: emitters build objects in the docs' field order.
 * - Strings are quoted (double quotes) when a YAML 1.1 or 1.2 reader could take them for
 *   something else or mis-parse them: bool/null spellings (`yes`, `On`, `~`), numbers
 *   (`1.0`, `0777`, `1_000`, `1:30`, `.inf`), timestamps, `<<`/`=`, strings with `: ` or
 *   ` #`, a trailing `:`, a leading indicator, surrounding blanks, control characters or
 *   line breaks. Everything else stays plain, like the docs' own examples.
 * - Numbers never use a form PyYAML reads as a string: exponents get a mantissa dot and a
 *   signed exponent (`1.0e-7`).
 * - Collections wrapped in {@link flow} are written in flow style (`[create, update]`,
 *   `{const: 1}`) when every scalar inside is a plain identifier, number or boolean;
 *   otherwise they fall back to block style.
 * - No line folding, 2-space indentation, `\n` line ends, one trailing newline.
 * - {@link plain} forces a plain scalar: `settings.yaml` `retry: yes|no` (§C.11).
 */
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';

/** Marks a collection to be written in flow style when that is safe. */
export class Flow {
  constructor(readonly value: unknown) {}
}
/** Marks a string to be written as a plain scalar whatever it looks like. */
export class Plain {
  constructor(readonly value: string) {}
}

export const flow = (value: unknown): Flow => new Flow(value);
export const plain = (value: string): Plain => new Plain(value);

const BOOL_NULL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/i;
const NUMBER = new RegExp(
  [
    // 1, 1.0, .5, 1_000, 1e3, and the YAML 1.1 float forms without digits around the dot ("1.", ".", "._1")
    '^[-+]?(?:\\d[\\d_]*)?(?:\\.[\\d_]*)?(?:[eE][-+]?\\d+)?$',
    '^[-+]?0[xX][0-9a-fA-F_]*$', // hex
    '^[-+]?0[oO]?[0-7_]+$', // octal, YAML 1.1 and 1.2 spellings
    '^[-+]?0[bB][01_]*$', // binary (YAML 1.1)
    '^[-+]?\\d[\\d_]*(?::[0-5]?\\d)+(?:\\.[\\d_]*)?$', // sexagesimal (YAML 1.1)
    '^[-+]?\\.(?:inf|Inf|INF)$',
    '^\\.(?:nan|NaN|NAN)$',
  ].join('|'),
);
const TIMESTAMP = /^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$/;
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`']);
// C0/C1 controls (tab included), DEL, BOM, line/paragraph separators and NEL.
const SPECIAL = /[\u0000-\u001f\u007f-\u009f\ufeff\u2028\u2029]/;

/** Whether a string must be quoted to read back as the same string under YAML 1.1 and 1.2 (SPEC §0.3). */
export function needsQuotes(s: string): boolean {
  if (s === '') return true;
  if (s !== s.trim()) return true;
  if (SPECIAL.test(s)) return true;
  if (INDICATORS.has(s[0]!)) return true;
  if (s.includes(': ') || s.includes(' #') || s.endsWith(':')) return true;
  if (BOOL_NULL.test(s) || NUMBER.test(s) || TIMESTAMP.test(s)) return true;
  if (s === '<<' || s === '=') return true;
  return false;
}

/** Scalars that can stand in a flow collection unquoted. */
const FLOW_SAFE_STRING = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/;

function flowSafe(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'boolean') return true;
  if (typeof value === 'string') return FLOW_SAFE_STRING.test(value) && !needsQuotes(value);
  if (Array.isArray(value)) return value.every(flowSafe);
  if (value && typeof value === 'object') return Object.entries(value).every(([k, v]) => FLOW_SAFE_STRING.test(k) && !needsQuotes(k) && flowSafe(v));
  return false;
}

/** A float JSON would write with an exponent, in a form both YAML versions read as a float. */
function exponentForm(value: number): string {
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${exponent.startsWith('-') || exponent.startsWith('+') ? exponent : `+${exponent}`}`;
}

const exponentFloat = {
  identify: (v: unknown) => typeof v === 'number' && Number.isFinite(v) && /e/i.test(String(v)),
  default: true,
  tag: 'tag:yaml.org,2002:float',
  // Emission only: never used to resolve input.
  test: /^(?!)$/,
  resolve: (s: string) => Number(s),
  stringify: ({ value }: { value: unknown }) => exponentForm(value as number),
};

function toNode(doc: Document, value: unknown, asFlow = false): Node {
  if (value instanceof Flow) return toNode(doc, value.value, flowSafe(value.value));
  if (value instanceof Plain) {
    const s = new Scalar(value.value);
    s.type = Scalar.PLAIN;
    return s;
  }
  if (Array.isArray(value)) {
    const seq = new YAMLSeq(doc.schema);
    for (const item of value) seq.items.push(toNode(doc, item, asFlow));
    seq.flow = asFlow;
    return seq;
  }
  if (value instanceof Uint8Array) throw new Error('binary values cannot be written to YAML');
  if (value !== null && typeof value === 'object') {
    const map = new YAMLMap(doc.schema);
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      map.items.push(new Pair(toNode(doc, k), toNode(doc, v, asFlow)));
    }
    map.flow = asFlow;
    return map;
  }
  if (typeof value === 'string') {
    const s = new Scalar(value);
    if (needsQuotes(value)) s.type = Scalar.QUOTE_DOUBLE;
    return s;
  }
  if (value === undefined) return new Scalar(null);
  return doc.createNode(value) as Node;
}

/**
 * Serialises a plain value (objects in emission order, {@link flow}/{@link plain} markers)
 * as one YAML document.
 */
export function toYaml(value: Record<string, unknown>): string {
  const doc = new Document(null, { customTags: (tags) => [exponentFloat, ...tags] });
  doc.contents = toNode(doc, value) as never;
  return doc.toString({ lineWidth: 0, minContentWidth: 0, indent: 2, indentSeq: true, flowCollectionPadding: false });
}

/**
 * The Terraform module as the IB rules see it (SPEC §C.10, IB-089…IB-106): every
 * variable, output, resource, data source, local, provider and `terraform` block of a
 * plan's `deployment/*.tf` files, with source spans and the source text of every value.
 *
 * Positions are 1-based. Columns count UTF-16 code units (JavaScript string indexes,
 * as editors and LSP do). `endLine`/`endColumn` point just past the last character.
 */
import type { Span } from '../diagnostics.js';

/** A constant HCL value: what a literal, or a tuple/object made only of literals, evaluates to. */
export type TfValue = string | number | boolean | null | TfValue[] | { [key: string]: TfValue };

/**
 * The syntactic form of an expression (parentheses are looked through).
 * - `literal`: a string without interpolation, a number or a bool (`"ext-net"`, `443`, `true`, `-1`).
 * - `null`: `null`.
 * - `template`: a quoted string with `${…}`/`%{…}`, or a heredoc.
 * - `reference`: a traversal such as `var.instance_uuid` or `data.vkcs_networking_subnet.subnet.sdn`.
 * - `function_call`, `conditional` (`c ? a : b`), `operation` (unary or binary), `tuple`, `object`, `for`.
 * - `other`: anything else, e.g. `[1, 2][0]` or an expression with a syntax error.
 */
export type TfExpressionKind =
  | 'literal'
  | 'null'
  | 'template'
  | 'reference'
  | 'function_call'
  | 'conditional'
  | 'operation'
  | 'tuple'
  | 'object'
  | 'for'
  | 'other';

export interface TfExpression {
  readonly kind: TfExpressionKind;
  /** The exact source text of the expression. */
  readonly text: string;
  readonly span: Span;
  /**
   * The value when the expression is a constant string, number or bool: a string literal,
   * a heredoc or quoted template without interpolation, a number (`-1` included), `true`/`false`.
   */
  readonly literal?: string | number | boolean;
  /** True when the expression is constant (literals, `null`, tuples/objects of constants). */
  readonly constant: boolean;
  /** The constant value, when `constant` (may be `null`). */
  readonly value?: TfValue;
  /**
   * Every traversal the expression reads, normalised without spaces, in source order, without
   * duplicates: `var.instance_uuid`, `data.vkcs_networking_subnet.subnet.sdn`,
   * `ivkcs_user_data.init.user_data[0]`, `aws_instance.x[*].id`. Iterator variables of
   * `for` expressions and template `for` directives are left out.
   */
  readonly references: readonly string[];
  /** `tuple`: the elements. */
  readonly items?: readonly TfExpression[];
  /** `object`: the entries, in source order. */
  readonly entries?: readonly TfObjectEntry[];
  /** `function_call`: the function name and arguments. */
  readonly call?: { readonly name: string; readonly args: readonly TfExpression[]; readonly expandFinal: boolean };
  /** `conditional`: `condition ? ifTrue : ifFalse`. */
  readonly conditional?: { readonly condition: TfExpression; readonly ifTrue: TfExpression; readonly ifFalse: TfExpression };
  /** `operation`: the operator (`-`, `!`, `==`, `&&`, …) and its one or two operands. */
  readonly operation?: { readonly operator: string; readonly operands: readonly TfExpression[] };
}

export interface TfObjectEntry {
  /** The key as a string when it is a bare identifier, a string literal or a number; undefined for `(expr)` keys. */
  readonly key?: string;
  /** The key's source text (`"sid"`, `sid`, `(var.k)`). */
  readonly keyText: string;
  readonly keySpan: Span;
  readonly value: TfExpression;
}

/**
 * An argument `name = value`. The expression fields describe the value: `text` is the value's
 * source text and `span` its position (where a rule about the value should point).
 */
export interface TfAttribute extends TfExpression {
  readonly name: string;
  readonly nameSpan: Span;
  /** The whole `name = value` item. */
  readonly itemSpan: Span;
}

/** Arguments and nested blocks of a block body. Both records have no prototype (`Object.hasOwn`-safe). */
export interface TfBody {
  /** Arguments by name. */
  readonly attributes: Readonly<Record<string, TfAttribute>>;
  /** Nested blocks by block type (`block_device`, `network`, `step`, `dynamic`, `lifecycle`…), in source order. */
  readonly blocks: Readonly<Record<string, readonly TfBlock[]>>;
}

export interface TfBlock extends TfBody {
  /** The block type: `resource`, `step`, `dynamic`… */
  readonly type: string;
  /** Label values (quoted or bare). */
  readonly labels: readonly string[];
  readonly labelSpans: readonly Span[];
  /** The whole block, from its type keyword to the closing brace. */
  readonly span: Span;
  readonly typeSpan: Span;
}

export interface TfVariable extends TfBody {
  readonly name: string;
  readonly span: Span;
  readonly nameSpan: Span;
  /**
   * The `type` constraint's source text without whitespace or comments: `string`, `number`,
   * `bool`, `list(string)`, `object({name=string,size=optional(number)})`. A quoted legacy
   * constraint keeps its quotes (`"string"`). Undefined when `type` is not declared.
   */
  readonly type?: string;
  readonly typeAttribute?: TfAttribute;
  readonly hasDefault: boolean;
  /** The default value, when `default` is constant (see `TfExpression.constant`). */
  readonly default?: TfValue;
  readonly defaultAttribute?: TfAttribute;
  /** `sensitive` when it is a bool literal. */
  readonly sensitive?: boolean;
  /** `description` when it is a string literal. */
  readonly description?: string;
}

export interface TfOutput extends TfBody {
  readonly name: string;
  readonly span: Span;
  readonly nameSpan: Span;
  /** The source text of `value`, undefined when the output has no `value`. */
  readonly valueText?: string;
  readonly value?: TfAttribute;
  /** `sensitive` when it is a bool literal; undefined when absent or not a literal. */
  readonly sensitive?: boolean;
  readonly sensitiveAttribute?: TfAttribute;
  readonly description?: string;
}

export interface TfResource extends TfBody {
  /** `managed` for `resource`, `data` for `data` blocks. */
  readonly mode: 'managed' | 'data';
  /** Resource type: `vkcs_compute_instance`, `ivkcs_user_data`… */
  readonly type: string;
  /** Local name: `vm`, `init`… */
  readonly name: string;
  /** `vkcs_compute_instance.vm` or `data.vkcs_networking_subnet.subnet`. */
  readonly address: string;
  readonly span: Span;
  readonly typeSpan: Span;
  readonly nameSpan: Span;
  readonly hasCount: boolean;
  readonly hasForEach: boolean;
  readonly count?: TfAttribute;
  readonly forEach?: TfAttribute;
}

export interface TfProvider extends TfBody {
  /** Provider name (`vkcs`, `ivkcs`, `openstack`…). */
  readonly name: string;
  /** `alias` when it is a string literal. */
  readonly alias?: string;
  readonly span: Span;
  readonly nameSpan: Span;
}

/** A `terraform { … }` block (required_providers, backend…). */
export interface TfSettingsBlock extends TfBody {
  readonly span: Span;
}

export interface TfParseError {
  /**
   * `syntax`: the file is not valid HCL2 (tree-sitter ERROR/MISSING nodes, plus the HCL rules
   * tree-sitter does not enforce: one argument per line, single-line blocks, quoted strings on
   * one line, escapes, number syntax, duplicate arguments).
   * `structure`: valid HCL that Terraform rejects (unknown top-level block types, wrong label
   * counts, top-level arguments, duplicate declarations across the module).
   */
  readonly kind: 'syntax' | 'structure';
  readonly message: string;
  readonly span: Span;
}

export interface TerraformModule {
  /** The paths parsed, in the order given. */
  readonly files: readonly string[];
  readonly variables: readonly TfVariable[];
  readonly outputs: readonly TfOutput[];
  /** `resource` blocks. */
  readonly resources: readonly TfResource[];
  /** `data` blocks. */
  readonly data: readonly TfResource[];
  /** Every entry of every `locals` block. */
  readonly locals: readonly TfAttribute[];
  readonly providers: readonly TfProvider[];
  /** `terraform { … }` blocks. */
  readonly terraform: readonly TfSettingsBlock[];
  /** Other known top-level blocks (`module`, `moved`, `import`, `check`, `removed`, `ephemeral`). */
  readonly otherBlocks: readonly TfBlock[];
  /** Sorted by file (in the order given), line and column. Empty when every file is valid. */
  readonly parseErrors: readonly TfParseError[];
}

/**
 * read (image-based): a service package (a directory or a zip) → IR, the inverse of
 * `emit/ib.ts` (SPEC §C.2–§C.12). Every IR node carries the YAML position it came from
 * (`span`, `fieldSpans`); files inside a zip are named `<zip>!/<entry>`.
 *
 * What the IR cannot hold is reported here, under its SPEC ID: the package layout
 * (IB-001 missing files and directories, IB-055 a plan directory without plan.yaml,
 * IB-021 stray entries in parameters/, IB-113 files outside the layout), YAML syntax and
 * YAML 1.1 ambiguity (IB-004), undocumented keys (IB-005), plan directories and the
 * `service.yaml` list (IB-014, IB-015, IB-058), the zip root (IB-112) and size (IB-111),
 * and unsafe or unreadable input (READ-003: zip-slip, links, bombs, limits, corruption).
 * Everything else is left to the rules, which see the values as written (wrong types
 * included).
 *
 * Hardened: never throws, never writes, never follows links; sizes and counts are
 * limited by the tree readers (`tree.ts`, `zip.ts`) and the YAML parser.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Diagnostic, Severity, Span } from '../diagnostics.js';
import type {
  DeploymentFile, DisplayGroup, DisplayPage, DisplayParam, EntityModel, OptionModel, OptionPatch, PlanBilling, PlanModel, PlanOption,
  ProjectModel, ServiceModel, WhenModel, WhenOperand,
} from '../model/types.js';
import { docsRef } from '../rules/engine.js';
import { checkPackageSize } from '../zip/zip.js';
import type { ArtifactReader } from './artifacts.js';
import type { ParsedDocument, ParseIssue } from './json.js';
import { decodeUtf8 } from './text.js';
import { isStrayName, readDirectoryTree, type FileTree, type TreeLimits } from './tree.js';
import { parseYaml } from './yaml.js';
import { readZipTree } from './zip.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
/** Sets an own property, also for keys such as `__proto__` that plain assignment would not create. */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

const SERVICE_KEYS = [
  'id', 'revision', 'name', 'short_description', 'singleton', 'auto_bind', 'icon', 'help', 'bindable', 'plan_updateable',
  'deactivatable', 'bindings_retrievable', 'instances_retrievable', 'plans', 'preview',
];
/** SaaS service fields that have no counterpart in service.yaml (SPEC §C.4). */
const SAAS_ONLY_SERVICE_KEYS: Record<string, string> = {
  full_description: 'the full description comes from full_description.md',
  metadata: 'the namespaces come from the service key',
};
const PLAN_KEYS = ['id', 'revision', 'name', 'description', 'free', 'billing', 'parameters_patch', 'resource_usages'];
const PLAN_BILLING_KEYS = ['cost', 'refundable', 'billing_cycle_flat', 'billing_cycle_step'];
const ENTITY_KEYS = ['entity', 'description', 'when', 'count', 'flavor', 'disks'];
const OPTION_ROOT_KEYS = ['actions', 'schema', 'billing'];
const ROOT_FILES = ['version.yaml', 'service.yaml', 'full_description.md'];
const ROOT_DIRS = ['images', 'parameters', 'plans'];
const PATCH_SECTIONS = ['schema', 'billing', 'actions'];

/** Tree issue kinds that are housekeeping (IB-113) rather than unsafe or unreadable input (READ-003). */
const STRAY_KINDS = new Set(['stray']);
/** parseYaml / decodeUtf8 issue kinds reported as warnings; every other kind is an error. */
const YAML_WARNING_KINDS = new Set(['yaml11-ambiguity', 'bom']);

const SOURCES: Record<string, { section: string; source: string }> = {
  'IB-001': { section: '§C.2', source: 'MA/ibservice_add/ib_structure/#ib_structure_file' },
  'IB-002': { section: '§C.3', source: 'MA/ibservice_add/ib_structure/#ib_structure_file' },
  'IB-004': { section: '§C.14', source: 'MA/ibservice_add/ib_structure/#ib_structure_file' },
  'IB-005': { section: '§C.14', source: 'MA/ibservice_add/ib_structure/#ib_structure_file' },
  'IB-014': { section: '§C.4', source: 'CFG/ibservice_param/#service_plans' },
  'IB-015': { section: '§C.4', source: 'INC/_xaas_ib_params.md#tag:service.yaml-plans' },
  'IB-016': { section: '§C.4', source: 'INC/_xaas_ib_params.md#tag:service.yaml-preview' },
  'IB-018': { section: '§C.5', source: 'MA/ibservice_add/ib_structure/#ib_structure_file' },
  'IB-021': { section: '§C.7', source: 'CFG/ibopt_fill_in/#IB_option_fill_in' },
  'IB-055': { section: '§C.2', source: 'MA/ibservice_add/ib_structure/#ib_structure_file' },
  'IB-058': { section: '§C.8', source: 'IR/ib-plan/#plan_parameters' },
  'IB-111': { section: '§C.12', source: 'UP/ibservice_upload_package/#upload_actions' },
  'IB-112': { section: '§C.12', source: 'INS/manage-ib-apps/ib-add/#upload_package' },
  'IB-113': { section: '§C.12', source: 'INS/manage-ib-apps/ib-add/#upload_package' },
};
const docsOf = (code: string): string => (SOURCES[code] ? docsRef(SOURCES[code].section, SOURCES[code].source) : 'README.md#rule-ids');

const YAML_CACHE_ENTRIES = 256;
const YAML_CACHE_MAX_TEXT = 64 * 1024;
const yamlCache = new Map<string, ParsedDocument>();

/**
 * {@link parseYaml} with a small cache keyed by file name and text: packages are read again
 * and again with most files unchanged (validate after an edit, the emulator, diff, fuzzing).
 * Each call gets its own copy of the value; spans and issues are shared and read-only.
 */
export function parseYamlCached(text: string, file: string): ParsedDocument {
  if (text.length > YAML_CACHE_MAX_TEXT) return parseYaml(text, file);
  const key = `${file}\u0000${text}`;
  let doc = yamlCache.get(key);
  if (doc) {
    yamlCache.delete(key); // most recently used last
  } else {
    doc = parseYaml(text, file);
    if (yamlCache.size >= YAML_CACHE_ENTRIES) yamlCache.delete(yamlCache.keys().next().value!);
  }
  yamlCache.set(key, doc);
  return { value: structuredCloneSafe(doc.value), issues: doc.issues, spans: doc.spans, keySpans: doc.keySpans };
}

/** Options of {@link readIbPackageTree}. */
export interface IbTreeOptions {
  /** The tree is a zip archive: its root must hold the single directory `<SERVICE_NAME>/` (IB-112). */
  zip?: boolean;
  /**
   * SERVICE_NAME when the tree root is the package itself (a directory): its base name.
   * For a zip, the name of its single root directory is used; without one, this value (the
   * zip's base name without `.zip`).
   */
  serviceName?: string;
}

export interface IbReadResult {
  /** The package; undefined only when the input holds nothing that could be a package. */
  service?: ServiceModel;
  diagnostics: Diagnostic[];
}

/** A parsed YAML document of the package with helpers for its positions. */
class YamlFile {
  constructor(
    readonly file: string,
    readonly doc: ParsedDocument,
  ) {}

  get value(): unknown {
    return this.doc.value;
  }
  span(pointer: string): Span {
    return this.doc.spans.get(pointer) ?? { file: this.file, line: 1, column: 1 };
  }
  keySpan(pointer: string): Span {
    return this.doc.keySpans.get(pointer) ?? this.span(pointer);
  }
  /** From the key (when there is one) to the end of the value: what a rule about a field points at. */
  fieldSpan(pointer: string): Span {
    const value = this.span(pointer);
    const key = this.doc.keySpans.get(pointer);
    if (!key) return value;
    return { file: this.file, line: key.line, column: key.column, endLine: value.endLine ?? value.line, endColumn: value.endColumn ?? value.column };
  }
  fieldSpans(pointer: string, value: Record<string, unknown>): Record<string, Span> {
    const out: Record<string, Span> = {};
    for (const k of Object.keys(value)) setOwn(out, k, this.fieldSpan(`${pointer}/${escapePointer(k)}`));
    return out;
  }
}

class PackageReader {
  readonly diagnostics: Diagnostic[] = [];
  /** Files of the package, by path relative to the package root. */
  private readonly files = new Map<string, Uint8Array>();
  /** Directories implied by the files, relative to the package root (without a trailing `/`). */
  private readonly dirs = new Set<string>();
  private readonly yamlCache = new Map<string, YamlFile | undefined>();
  private prefix = '';
  private serviceName = '';
  private readonly rootDisplay: string;

  constructor(
    private readonly tree: FileTree,
    private readonly options: IbTreeOptions,
  ) {
    this.rootDisplay = tree.root;
  }

  report(code: string, severity: Severity, message: string, span: Span | undefined, hint?: string): void {
    this.diagnostics.push({ code, severity, message, ...(span ? { span } : {}), ...(hint ? { hint } : {}), docs: docsOf(code) });
  }

  /** Display path of a path relative to the package root (`''` is the package root). */
  display(rel: string): string {
    const inner = `${this.prefix}${rel}`.replace(/\/$/, '');
    return inner ? `${this.rootDisplay}/${inner}` : this.rootDisplay;
  }
  at(rel: string): Span {
    return { file: this.display(rel), line: 1, column: 1 };
  }
  isFile(rel: string): boolean {
    return this.files.has(rel);
  }
  isDir(rel: string): boolean {
    return this.dirs.has(rel);
  }
  /** Names directly inside a directory (`''` for the root): files and directories. */
  children(rel: string): { files: string[]; dirs: string[] } {
    const base = rel ? `${rel}/` : '';
    const files = new Set<string>();
    const dirs = new Set<string>();
    for (const p of this.files.keys()) {
      if (!p.startsWith(base)) continue;
      const rest = p.slice(base.length);
      const slash = rest.indexOf('/');
      if (slash < 0) files.add(rest);
      else dirs.add(rest.slice(0, slash));
    }
    return { files: [...files].sort(), dirs: [...dirs].sort() };
  }

  // ------------------------------------------------------------------ input

  /** Tree issues → diagnostics; chooses the package root inside the tree. */
  prepare(): boolean {
    for (const issue of this.tree.issues) this.treeIssue(issue);
    const entries = [...this.tree.entries.keys()];
    if (this.options.zip) {
      const tops = new Set(entries.map((p) => p.split('/')[0]!));
      const rootFiles = entries.filter((p) => !p.includes('/'));
      const topDirs = [...tops].filter((t) => entries.some((p) => p.startsWith(`${t}/`)));
      const looksLikePackage = (dir: string) => entries.includes(`${dir}/service.yaml`) || entries.includes(`${dir}/version.yaml`);
      if (rootFiles.length === 0 && topDirs.length === 1) {
        this.prefix = `${topDirs[0]}/`;
        this.serviceName = topDirs[0]!;
      } else {
        const zipSpan: Span = { file: this.rootDisplay.replace(/!$/, ''), line: 1, column: 1 };
        const packageDirs = topDirs.filter(looksLikePackage);
        if (entries.length === 0) {
          // Nothing readable: the tree issues (corrupt, bomb…) already say why.
          if (this.tree.issues.length === 0) this.report('IB-112', 'warning', 'The zip archive is empty; it must contain the directory <SERVICE_NAME>/ with the package.', zipSpan);
          return false;
        }
        if (rootFiles.includes('service.yaml') || rootFiles.includes('version.yaml')) {
          this.prefix = '';
          this.serviceName = this.options.serviceName ?? '';
          this.report('IB-112', 'warning', `The package files are at the root of the zip; the archive should contain the single directory ${this.serviceName || '<SERVICE_NAME>'}/ (zip the directory, not its contents).`, zipSpan, `cd <parent> && zip -r ${this.serviceName || '<SERVICE_NAME>'}.zip ${this.serviceName || '<SERVICE_NAME>'} (H-04).`);
        } else if (packageDirs.length === 1) {
          this.prefix = `${packageDirs[0]}/`;
          this.serviceName = packageDirs[0]!;
          const others = [...tops].filter((t) => t !== packageDirs[0]).sort();
          this.report('IB-112', 'warning', `The zip contains ${others.map((o) => JSON.stringify(o)).join(', ')} besides the package directory ${this.serviceName}/; its root must be that single directory.`, zipSpan, 'Zip only the package directory (H-04).');
        } else {
          this.prefix = '';
          this.serviceName = this.options.serviceName ?? '';
          this.report('IB-112', 'warning', `The zip root holds ${[...tops].sort().map((t) => JSON.stringify(t)).join(', ')}; it must hold the single directory <SERVICE_NAME>/ with service.yaml and version.yaml.`, zipSpan, 'Zip the package directory: zip -r <SERVICE_NAME>.zip <SERVICE_NAME> (H-04).');
        }
      }
    } else {
      this.serviceName = this.options.serviceName ?? basename(this.rootDisplay);
    }
    for (const [path, bytes] of this.tree.entries) {
      if (!path.startsWith(this.prefix)) continue;
      const rel = path.slice(this.prefix.length);
      if (!rel) continue;
      this.files.set(rel, bytes);
      const parts = rel.split('/');
      for (let i = 1; i < parts.length; i++) this.dirs.add(parts.slice(0, i).join('/'));
    }
    return true;
  }

  private treeIssue(issue: ParseIssue): void {
    if (STRAY_KINDS.has(issue.kind)) {
      this.report('IB-113', 'warning', `${issue.message}.`, issue.span, 'Remove operating-system and VCS litter (.DS_Store, __MACOSX/, .git/) before zipping; zip -r -X excludes extra attributes.');
      return;
    }
    // Name the zip entry in the message: a displayed path would normalise its `..` away.
    const bang = issue.span.file.indexOf('!/');
    const entry = bang >= 0 ? issue.span.file.slice(bang + 2) : '';
    const message = entry && !issue.message.includes(entry) ? `${entry}: ${issue.message}` : issue.message;
    this.report('READ-003', 'error', `${message} (${issue.kind}).`, issue.span, readHint(issue.kind));
  }

  // ------------------------------------------------------------------ YAML

  /** Decodes and parses one YAML file of the package, reporting IB-004 findings once. */
  yaml(rel: string): YamlFile | undefined {
    if (this.yamlCache.has(rel)) return this.yamlCache.get(rel);
    const bytes = this.files.get(rel);
    if (!bytes) {
      this.yamlCache.set(rel, undefined);
      return undefined;
    }
    const file = this.display(rel);
    const decoded = decodeUtf8(bytes, file);
    const doc = parseYamlCached(decoded.text, file);
    const yamlFile = new YamlFile(file, doc);
    const isSettings = /(^|\/)deployment\/settings\.yaml$/.test(rel);
    for (const issue of [...decoded.issues, ...doc.issues]) {
      // SPEC §C.11: settings.yaml `retry` is written as the documented unquoted yes/no.
      if (isSettings && issue.kind === 'yaml11-ambiguity' && this.isRetryValue(yamlFile, issue.span)) continue;
      const severity: Severity = YAML_WARNING_KINDS.has(issue.kind) ? 'warning' : 'error';
      this.report('IB-004', severity, `${rel}: ${issue.message}.`, issue.span, yamlHint(issue.kind));
    }
    this.yamlCache.set(rel, yamlFile);
    return yamlFile;
  }

  private isRetryValue(file: YamlFile, span: Span): boolean {
    const s = file.doc.spans.get('/retry');
    return !!s && s.line === span.line && s.column === span.column;
  }

  /** Reports keys of a map that the docs do not describe (IB-005) and returns them. */
  unknownKeys(file: YamlFile, pointer: string, value: Record<string, unknown>, known: readonly string[], what: string, hints: Record<string, string> = {}): Record<string, unknown> | undefined {
    let extra: Record<string, unknown> | undefined;
    for (const k of Object.keys(value)) {
      if (known.includes(k)) continue;
      extra ??= {};
      setOwn(extra, k, value[k]);
      const special = hasOwn(hints, k) ? hints[k] : undefined;
      this.report('IB-005', 'warning', `${what} has the key "${k}", which the docs do not describe${special ? ` (${special})` : ''}; it is kept as is.`, file.keySpan(`${pointer}/${escapePointer(k)}`), 'Remove it unless Marketplace documented it for you (H-19); check the indentation of the lines above.');
    }
    return extra;
  }

  // ------------------------------------------------------------------ the package

  read(): ServiceModel {
    this.checkRootLayout();
    const serviceFile = this.isFile('service.yaml') ? this.yaml('service.yaml') : undefined;
    const sv = serviceFile && isPlainObject(serviceFile.value) ? serviceFile.value : {};
    const span = serviceFile ? serviceFile.span('') : this.at('');
    const fieldSpans: Record<string, Span> = serviceFile && isPlainObject(serviceFile.value) ? serviceFile.fieldSpans('', sv) : {};
    if (serviceFile && serviceFile.value !== undefined && serviceFile.value !== null && !isPlainObject(serviceFile.value)) {
      this.report('IB-004', 'error', `service.yaml must be a map of service fields, got ${describe(serviceFile.value)}.`, serviceFile.span(''));
    }
    const extra = serviceFile ? this.unknownKeys(serviceFile, '', sv, SERVICE_KEYS, 'service.yaml', SAAS_ONLY_SERVICE_KEYS) : undefined;

    const service: ServiceModel = {
      kind: 'image-based',
      serviceName: this.serviceName,
      id: sv.id as string,
      revision: sv.revision as string,
      name: sv.name as string,
      short_description: sv.short_description as string,
      full_description: undefined as unknown as ServiceModel['full_description'],
      icon: sv.icon as string,
      help: sv.help as string,
      bindable: sv.bindable as boolean,
      plan_updateable: sv.plan_updateable as boolean,
      deactivatable: sv.deactivatable as boolean,
      bindings_retrievable: sv.bindings_retrievable as boolean,
      instances_retrievable: sv.instances_retrievable as boolean,
      preview: undefined as unknown as DisplayParam[],
      options: [],
      plans: [],
      span,
      fieldSpans,
    };
    if (hasOwn(sv, 'singleton')) service.singleton = sv.singleton as boolean;
    if (hasOwn(sv, 'auto_bind')) service.auto_bind = sv.auto_bind as boolean;
    if (extra) service.extra = extra;
    setOwn(fieldSpans, 'serviceName', this.at(''));

    this.readVersion(service, fieldSpans);
    this.readDescription(service, fieldSpans);
    this.readIcon(service);
    if (serviceFile) service.preview = this.readPreview(serviceFile, sv);
    service.options = this.readOptions();
    service.plans = this.readPlans(serviceFile, sv);
    return service;
  }

  private checkRootLayout(): void {
    const { files, dirs } = this.children('');
    for (const f of ROOT_FILES) {
      if (this.isDir(f)) this.report('IB-001', 'error', `${f} is a directory; the package root needs the file ${f}.`, this.at(f));
    }
    if (!this.isFile('service.yaml') && !this.isDir('service.yaml')) {
      this.report('IB-001', 'error', 'The package has no service.yaml (the service fields, its plans and the preview options).', this.at(''), 'SPEC §C.4 lists its fields.');
    }
    for (const d of ROOT_DIRS) {
      if (this.isFile(d)) this.report('IB-001', 'error', `${d} is a file; the package root needs the directory ${d}/.`, this.at(d));
      else if (!this.isDir(d)) this.report('IB-001', 'error', `The package has no ${d}/ directory (or it is empty).`, this.at(''), d === 'images' ? 'images/ holds the icon named in service.yaml.' : d === 'parameters' ? 'parameters/ holds one <OPTION_NAME>.yaml per option.' : 'plans/ holds one directory per plan.');
    }
    for (const f of files) {
      if (ROOT_FILES.includes(f) || ROOT_DIRS.includes(f)) continue;
      if (/\.yml$/i.test(f) || /\.yaml$/i.test(f)) {
        this.report('IB-004', 'error', `${f}: package YAML files use the extension .yaml and the names of SPEC §C.2; the generator does not read ${f}.`, this.at(f), ROOT_FILES.includes(f.replace(/\.ya?ml$/i, '.yaml').toLowerCase()) ? `Rename it to ${f.replace(/\.ya?ml$/i, '.yaml').toLowerCase()}.` : undefined);
      } else {
        this.report('IB-113', 'warning', `${f} is not part of the package layout (SPEC §C.2); leave it out of the package.`, this.at(f));
      }
    }
    for (const d of dirs) {
      if (ROOT_DIRS.includes(d) || ROOT_FILES.includes(d)) continue;
      this.report('IB-113', 'warning', `${d}/ is not part of the package layout (SPEC §C.2); leave it out of the package.`, this.at(d));
    }
  }

  private readVersion(service: ServiceModel, fieldSpans: Record<string, Span>): void {
    if (!this.isFile('version.yaml')) return; // IB-001 (a rule) reports the missing file
    const f = this.yaml('version.yaml');
    if (!f) return;
    const v = f.value;
    setOwn(fieldSpans, 'generatorVersion', f.span(''));
    if (!isPlainObject(v) || !hasOwn(v, 'version')) {
      // null, not undefined: the file exists, so IB-002 (not IB-001) reports the missing version.
      service.generatorVersion = null as unknown as string;
      if (f.doc.value !== undefined && !isPlainObject(v)) this.report('IB-002', 'error', `version.yaml must be the map \`version: 0.0.1\`, got ${describe(v)}.`, f.span(''));
      return;
    }
    service.generatorVersion = v.version as string;
    setOwn(fieldSpans, 'generatorVersion', f.fieldSpan('/version'));
    for (const k of Object.keys(v)) {
      if (k !== 'version') this.report('IB-002', 'error', `version.yaml has the key "${k}"; it holds exactly one key, version.`, f.keySpan(`/${escapePointer(k)}`), 'Remove every line except `version: 0.0.1`.');
    }
  }

  private readDescription(service: ServiceModel, fieldSpans: Record<string, Span>): void {
    const rel = 'full_description.md';
    const bytes = this.files.get(rel);
    if (!bytes) return; // IB-001 (a rule) reports the missing file
    const file = this.display(rel);
    const decoded = decodeUtf8(bytes, file);
    for (const issue of decoded.issues) {
      this.report('IB-018', issue.kind === 'bom' ? 'warning' : 'error', `${rel}: ${issue.message}.`, issue.span, 'Save the file as UTF-8 without a byte-order mark (SPEC §0.3).');
    }
    service.full_description = { text: decoded.text, path: file };
    setOwn(fieldSpans, 'full_description', { file, line: 1, column: 1 });
  }

  private readIcon(service: ServiceModel): void {
    const { files, dirs } = this.children('images');
    const icon = typeof service.icon === 'string' ? service.icon : undefined;
    if (icon !== undefined && !/[\\/]/.test(icon) && icon !== '' && this.isFile(`images/${icon}`)) {
      const path = this.display(`images/${icon}`);
      service.iconAsset = { fileName: icon, bytes: this.files.get(`images/${icon}`)!, path };
    }
    // A missing or misnamed icon is IB-012 (a rule on iconAsset). Extra files are reported here.
    for (const f of files) {
      if (f === icon) continue;
      this.report('IB-113', 'warning', `images/${f} is not the icon named in service.yaml${icon !== undefined ? ` (${JSON.stringify(icon)})` : ''}; only that file is used (H-33).`, this.at(`images/${f}`), 'Keep one icon in images/.');
    }
    for (const d of dirs) this.report('IB-113', 'warning', `images/${d}/ is a directory; images/ holds only the icon file.`, this.at(`images/${d}`));
  }

  private readPreview(file: YamlFile, sv: Record<string, unknown>): DisplayParam[] {
    if (!hasOwn(sv, 'preview')) return undefined as unknown as DisplayParam[];
    const preview = sv.preview;
    if (isPlainObject(preview)) {
      this.unknownKeys(file, '/preview', preview, ['parameters'], 'service.yaml preview');
      if (Array.isArray(preview.parameters)) return this.displayParams(file, '/preview/parameters', preview.parameters, 'service.yaml preview.parameters');
      return preview as unknown as DisplayParam[];
    }
    if (Array.isArray(preview)) {
      this.report('IB-016', 'error', 'preview is a list; it must be a map whose parameters key holds that list.', file.fieldSpan('/preview'), 'Write preview:\n  parameters:\n    - name: <option>');
      return this.displayParams(file, '/preview', preview, 'service.yaml preview');
    }
    return preview as DisplayParam[];
  }

  private displayParams(file: YamlFile, pointer: string, list: unknown[], what: string): DisplayParam[] {
    return list.map((x, i): DisplayParam => {
      const p = `${pointer}/${i}`;
      if (!isPlainObject(x)) return x as DisplayParam;
      this.unknownKeys(file, p, x, ['name'], `${what}[${i}]`);
      return { name: x.name as string, span: file.span(p), fieldSpans: file.fieldSpans(p, x) };
    });
  }

  // ------------------------------------------------------------------ options

  private readonly optionFiles = new Map<string, OptionModel>();

  private readOptions(): OptionModel[] {
    const { files, dirs } = this.children('parameters');
    const options: OptionModel[] = [];
    for (const f of files) {
      const rel = `parameters/${f}`;
      if (!f.endsWith('.yaml')) {
        if (/\.ya?ml$/i.test(f)) this.report('IB-004', 'error', `${rel}: option files use the extension .yaml; the generator does not read ${f}.`, this.at(rel), `Rename it to ${f.replace(/\.ya?ml$/i, '.yaml')}.`);
        else this.report('IB-021', 'error', `${rel} is not an option file; parameters/ holds only <OPTION_NAME>.yaml files.`, this.at(rel), 'Move it out of the package.');
        continue;
      }
      const name = f.slice(0, -'.yaml'.length);
      const yaml = this.yaml(rel);
      const option = this.option(name, yaml, this.at(rel));
      this.optionFiles.set(name, option);
      options.push(option);
    }
    for (const d of dirs) this.report('IB-021', 'error', `parameters/${d}/ is a directory; parameters/ holds only option files, without subdirectories (H-33).`, this.at(`parameters/${d}`));
    return options;
  }

  private option(name: string, file: YamlFile | undefined, fallback: Span): OptionModel {
    const v = file?.value;
    const option: OptionModel = { name, actions: undefined as unknown as OptionModel['actions'], schema: undefined as unknown as OptionModel['schema'], span: file ? file.span('') : fallback };
    if (!file || !isPlainObject(v)) {
      if (file && v !== undefined && v !== null) this.report('IB-004', 'error', `parameters/${name}.yaml must be a map with actions and schema, got ${describe(v)}.`, file.span(''));
      option.fieldSpans = {};
      return option;
    }
    const fieldSpans = file.fieldSpans('', v);
    if (isPlainObject(v.schema)) for (const [k, s] of Object.entries(file.fieldSpans('/schema', v.schema))) if (!hasOwn(fieldSpans, k)) setOwn(fieldSpans, k, s);
    option.fieldSpans = fieldSpans;
    if (hasOwn(v, 'actions')) option.actions = v.actions as OptionModel['actions'];
    if (hasOwn(v, 'schema')) option.schema = v.schema as OptionModel['schema'];
    if (hasOwn(v, 'billing')) option.billing = v.billing as OptionModel['billing'];
    let extraRootKeys: Record<string, unknown> | undefined;
    for (const k of Object.keys(v)) {
      if (OPTION_ROOT_KEYS.includes(k)) continue;
      extraRootKeys ??= {};
      setOwn(extraRootKeys, k, v[k]); // IB-023 (a rule) reports them
    }
    if (extraRootKeys) option.extraRootKeys = extraRootKeys;
    return option;
  }

  // ------------------------------------------------------------------ plans

  private readPlans(serviceFile: YamlFile | undefined, sv: Record<string, unknown>): PlanModel[] {
    const { files, dirs } = this.children('plans');
    for (const f of files) this.report('IB-113', 'warning', `plans/${f} is a file; plans/ holds only plan directories plans/<PLAN_NAME>/.`, this.at(`plans/${f}`));
    const listed = Array.isArray(sv.plans) ? sv.plans : undefined;
    if (serviceFile && !listed) {
      // The IR holds the plans read from plans/, so a missing or malformed list is reported here.
      this.report('IB-014', 'error', hasOwn(sv, 'plans') ? `service.yaml plans must be a list of {name: <plan directory>}, got ${describe(sv.plans)}; the plan directories were read anyway.` : 'service.yaml has no plans list; plans not listed there are neither available nor shown (the directories under plans/ were read anyway).', hasOwn(sv, 'plans') ? serviceFile.fieldSpan('/plans') : serviceFile.span(''), `plans:\n${dirs.map((d) => `  - name: ${d}`).join('\n') || '  - name: <plan directory>'}`);
    }
    const order: string[] = [];
    if (listed && serviceFile) {
      listed.forEach((item, i) => {
        const name = isPlainObject(item) ? item.name : undefined;
        if (isPlainObject(item)) this.unknownKeys(serviceFile, `/plans/${i}`, item, ['name'], `service.yaml plans[${i}]`);
        if (typeof name !== 'string' || name === '') return; // IB-014 (a rule) reports the entry
        if (order.includes(name)) return; // IB-014 (a rule) reports the duplicate
        if (this.isDir(`plans/${name}`)) order.push(name);
        else {
          this.report('IB-014', 'error', `service.yaml lists the plan "${name}", but there is no directory plans/${name}/.`, serviceFile.fieldSpan(`/plans/${i}`), this.isFile(`plans/${name}`) ? `plans/${name} is a file; a plan is a directory with plan.yaml, display.yaml and deployment/.` : 'Each listed plan is a directory plans/<PLAN_NAME>/ with plan.yaml, display.yaml and deployment/.');
        }
      });
    }
    const unlisted = dirs.filter((d) => !order.includes(d));
    if (listed) {
      const names = new Set(listed.map((x) => (isPlainObject(x) ? x.name : undefined)));
      for (const d of unlisted) {
        if (names.has(d)) continue;
        this.report('IB-015', 'warning', `plans/${d}/ is not listed in service.yaml plans; the plan is neither available nor shown in the tariff matrix (G-17).`, this.at(`plans/${d}`), `Add "- name: ${d}" to plans in service.yaml, or remove the directory.`);
      }
    }
    // Without a usable list the directories are read anyway, so their contents are checked.
    const toRead = listed ? order : dirs;
    const plans: PlanModel[] = [];
    for (const dir of toRead) {
      const plan = this.plan(dir);
      if (plan) plans.push(plan);
    }
    return plans;
  }

  private plan(dir: string): PlanModel | undefined {
    const base = `plans/${dir}`;
    const { files, dirs } = this.children(base);
    const missing: string[] = [];
    for (const f of ['plan.yaml', 'display.yaml']) {
      if (this.isDir(`${base}/${f}`)) this.report('IB-055', 'error', `${base}/${f} is a directory; a plan needs the file ${f}.`, this.at(`${base}/${f}`));
    }
    if (this.isFile(`${base}/deployment`)) this.report('IB-055', 'error', `${base}/deployment is a file; a plan needs the directory deployment/ with its Terraform manifests.`, this.at(`${base}/deployment`));
    for (const f of files) {
      if (f === 'plan.yaml' || f === 'display.yaml' || f === 'deployment') continue;
      if (/\.ya?ml$/i.test(f)) this.report('IB-004', 'error', `${base}/${f}: a plan directory holds plan.yaml and display.yaml (extension .yaml); the generator does not read ${f}.`, this.at(`${base}/${f}`));
      else this.report('IB-113', 'warning', `${base}/${f} is not part of a plan directory (plan.yaml, display.yaml, deployment/).`, this.at(`${base}/${f}`));
    }
    for (const d of dirs) {
      if (d === 'deployment' || d === 'plan.yaml' || d === 'display.yaml') continue;
      this.report('IB-113', 'warning', `${base}/${d}/ is not part of a plan directory (plan.yaml, display.yaml, deployment/).`, this.at(`${base}/${d}`));
    }
    if (!this.isFile(`${base}/plan.yaml`)) {
      missing.push('plan.yaml');
      if (!this.isFile(`${base}/display.yaml`)) missing.push('display.yaml');
      if (!this.isDir(`${base}/deployment`)) missing.push('deployment/');
      this.report('IB-055', 'error', `${base}/ has no ${missing.join(', ')}; every plan directory has plan.yaml, display.yaml and deployment/.`, this.at(base), 'plan.yaml holds the plan fields (SPEC §C.8); without it the plan cannot be read.');
      return undefined;
    }
    const planFile = this.yaml(`${base}/plan.yaml`)!;
    if (planFile.value === undefined) return undefined; // IB-004 reported why nothing could be read
    const pv = isPlainObject(planFile.value) ? planFile.value : {};
    if (!isPlainObject(planFile.value) && planFile.value !== null) this.report('IB-004', 'error', `${base}/plan.yaml must be a map of plan fields, got ${describe(planFile.value)}.`, planFile.span(''));
    const label = `${base}/plan.yaml`;
    const extra = this.unknownKeys(planFile, '', pv, PLAN_KEYS, label);
    const fieldSpans = planFile.fieldSpans('', pv);
    const plan: PlanModel = {
      id: pv.id as string,
      revision: pv.revision as string,
      name: pv.name as string,
      description: pv.description as string,
      free: pv.free as boolean,
      billing: this.planBilling(planFile, pv),
      options: [],
      display: undefined as unknown as PlanModel['display'],
      span: planFile.span(''),
      fieldSpans,
    };
    if (extra) plan.extra = extra;
    if (hasOwn(pv, 'resource_usages')) plan.resource_usages = pv.resource_usages as string[];
    if (typeof pv.name === 'string' && pv.name !== dir) {
      this.report('IB-058', 'error', `${label} has name ${JSON.stringify(pv.name)}, but its directory is plans/${dir}/; the plan name, its directory and its service.yaml entry are one name.`, planFile.fieldSpan('/name'), `Rename the directory or set name: ${dir}.`);
    }

    // display.yaml
    const displayRel = `${base}/display.yaml`;
    let shown: { name: string; span: Span }[] = [];
    if (this.isFile(displayRel)) {
      const displayFile = this.yaml(displayRel)!;
      const dv = displayFile.value;
      const d = isPlainObject(dv) ? dv : {};
      if (dv !== undefined && dv !== null && !isPlainObject(dv)) this.report('IB-004', 'error', `${displayRel} must be a map with pages and entities, got ${describe(dv)}.`, displayFile.span(''));
      this.unknownKeys(displayFile, '', d, ['pages', 'entities'], displayRel);
      const pages = hasOwn(d, 'pages') ? (Array.isArray(d.pages) ? d.pages.map((pg, i) => this.page(displayFile, `/pages/${i}`, pg, displayRel)) : (d.pages as DisplayPage[])) : [];
      plan.display = { pages, span: displayFile.span('') };
      setOwn(fieldSpans, 'display', displayFile.span(''));
      if (hasOwn(d, 'pages')) setOwn(fieldSpans, 'pages', displayFile.fieldSpan('/pages'));
      if (hasOwn(d, 'entities')) {
        setOwn(fieldSpans, 'entities', displayFile.fieldSpan('/entities'));
        plan.entities = Array.isArray(d.entities) ? d.entities.map((e, i) => this.entity(displayFile, `/entities/${i}`, e, displayRel)) : (d.entities as EntityModel[]);
      }
      shown = shownOptions(pages);
    } else if (this.isDir(displayRel)) {
      // Reported above (IB-055); the rules see a plan without a wizard.
    }

    // deployment/
    if (this.isDir(`${base}/deployment`)) {
      const prefix = `${base}/deployment/`;
      const deployment: DeploymentFile[] = [];
      for (const [rel, bytes] of this.files) {
        if (rel.startsWith(prefix)) deployment.push({ path: rel.slice(prefix.length), bytes, span: this.at(rel) });
      }
      plan.deployment = deployment;
      setOwn(fieldSpans, 'deployment', this.at(`${base}/deployment`));
      const settings = deployment.find((f) => f.path === 'settings.yaml');
      if (settings) this.yaml(`${prefix}settings.yaml`); // IB-004 for its syntax; IB-107…IB-110 check the values
      for (const f of deployment) {
        if (!f.path.includes('/') && /\.ya?ml$/i.test(f.path) && f.path !== 'settings.yaml') {
          this.report('IB-004', 'error', `${prefix}${f.path}: the only YAML file of deployment/ is settings.yaml; the deployment system does not read ${f.path}.`, f.span, /^settings\.ya?ml$/i.test(f.path) ? 'Rename it to settings.yaml.' : undefined);
        }
      }
    }

    plan.options = this.planOptions(planFile, pv, shown, label);
    return plan;
  }

  private planBilling(file: YamlFile, pv: Record<string, unknown>): PlanBilling {
    if (!hasOwn(pv, 'billing')) return undefined as unknown as PlanBilling;
    const b = pv.billing;
    if (!isPlainObject(b)) return b as PlanBilling;
    const billing: PlanBilling = { cost: b.cost as number, span: file.span('/billing'), fieldSpans: file.fieldSpans('/billing', b) };
    if (hasOwn(b, 'refundable')) billing.refundable = b.refundable as boolean;
    if (hasOwn(b, 'billing_cycle_flat')) billing.billing_cycle_flat = b.billing_cycle_flat as string;
    if (hasOwn(b, 'billing_cycle_step')) billing.billing_cycle_step = b.billing_cycle_step as string;
    let extra: Record<string, unknown> | undefined;
    for (const k of Object.keys(b)) {
      if (PLAN_BILLING_KEYS.includes(k)) continue;
      extra ??= {};
      setOwn(extra, k, b[k]); // IB-063 (a rule) reports them
    }
    if (extra) billing.extra = extra;
    return billing;
  }

  private page(file: YamlFile, pointer: string, v: unknown, what: string): DisplayPage {
    if (!isPlainObject(v)) return v as DisplayPage;
    this.unknownKeys(file, pointer, v, ['name', 'groups'], `${what} page`, { index: 'image-based pages have no index; their order is the list order (G-10)' });
    const groups = Array.isArray(v.groups) ? v.groups.map((g, i) => this.group(file, `${pointer}/groups/${i}`, g, what)) : (v.groups as DisplayGroup[]);
    return { name: v.name as string, groups, span: file.span(pointer), fieldSpans: file.fieldSpans(pointer, v) };
  }

  private group(file: YamlFile, pointer: string, v: unknown, what: string): DisplayGroup {
    if (!isPlainObject(v)) return v as DisplayGroup;
    this.unknownKeys(file, pointer, v, ['name', 'parameters', 'when'], `${what} group`, { index: 'image-based groups have no index (G-10)' });
    const parameters = Array.isArray(v.parameters) ? this.displayParams(file, `${pointer}/parameters`, v.parameters, `${what} group parameters`) : (v.parameters as DisplayParam[]);
    const group: DisplayGroup = { name: v.name as string, parameters, span: file.span(pointer), fieldSpans: file.fieldSpans(pointer, v) };
    if (hasOwn(v, 'when')) group.when = this.when(file, `${pointer}/when`, v.when, what);
    return group;
  }

  private when(file: YamlFile, pointer: string, v: unknown, what: string): WhenModel {
    const span = file.fieldSpan(pointer);
    if (!isPlainObject(v)) return { operator: 'in', key: {}, values: [], raw: v, span };
    const operator = hasOwn(v, 'not_in') && !hasOwn(v, 'in') ? 'not_in' : 'in';
    const cond = v[operator];
    if (isPlainObject(cond)) this.unknownKeys(file, `${pointer}/${operator}`, cond, ['key', 'values'], `${what} when.${operator}`);
    const c = isPlainObject(cond) ? cond : {};
    return {
      operator,
      key: c.key as WhenOperand,
      values: c.values as WhenOperand[],
      raw: v,
      span,
      fieldSpans: file.fieldSpans(pointer, v),
    };
  }

  private entity(file: YamlFile, pointer: string, v: unknown, what: string): EntityModel {
    if (!isPlainObject(v)) return v as EntityModel;
    this.unknownKeys(file, pointer, v, ENTITY_KEYS, `${what} entity`);
    const e: EntityModel = { entity: v.entity as string, raw: v, span: file.span(pointer), fieldSpans: file.fieldSpans(pointer, v) };
    if (hasOwn(v, 'description')) e.description = v.description as string;
    if (hasOwn(v, 'when')) e.when = this.when(file, `${pointer}/when`, v.when, what);
    if (hasOwn(v, 'count')) e.count = v.count as WhenOperand;
    if (hasOwn(v, 'flavor')) e.flavor = v.flavor as WhenOperand;
    if (hasOwn(v, 'disks')) {
      e.disks = Array.isArray(v.disks)
        ? v.disks.map((d, i) => {
            const p = `${pointer}/disks/${i}`;
            if (!isPlainObject(d)) return d as { type?: WhenOperand; size?: WhenOperand; span?: Span };
            this.unknownKeys(file, p, d, ['type', 'size'], `${what} entity disk`);
            const disk: { type?: WhenOperand; size?: WhenOperand; span?: Span } = { span: file.span(p) };
            if (hasOwn(d, 'type')) disk.type = d.type as WhenOperand;
            if (hasOwn(d, 'size')) disk.size = d.size as WhenOperand;
            return disk;
          })
        : (v.disks as EntityModel['disks']);
    }
    return e;
  }

  /**
   * The plan's options (H-11): those shown in the wizard, then `resource_usages`, each with
   * `parameters_patch` applied; then options patched but not used (for IB-064/IB-065).
   */
  private planOptions(file: YamlFile, pv: Record<string, unknown>, shown: { name: string; span: Span }[], label: string): PlanOption[] {
    const out: PlanOption[] = [];
    const seen = new Set<string>();
    const patches = isPlainObject(pv.parameters_patch) ? pv.parameters_patch : {};
    if (hasOwn(pv, 'parameters_patch') && !isPlainObject(pv.parameters_patch) && pv.parameters_patch !== null) {
      this.report('IB-004', 'error', `${label}: parameters_patch must be a map {<option>: {<path>: <value>}}, got ${describe(pv.parameters_patch)}.`, file.fieldSpan('/parameters_patch'));
    }
    const uses: { name: string; span: Span }[] = [...shown];
    if (Array.isArray(pv.resource_usages)) pv.resource_usages.forEach((n, i) => typeof n === 'string' && uses.push({ name: n, span: file.span(`/resource_usages/${i}`) }));
    const add = (name: string, useSpan: Span, used: boolean) => {
      if (seen.has(name)) return;
      const base = this.optionFiles.get(name);
      const patched = hasOwn(patches, name);
      if (!base && !(patched && !used)) return; // IB-078 / IB-069 (rules) report names without a file
      seen.add(name);
      const patchPointer = `/parameters_patch/${escapePointer(name)}`;
      const po: PlanOption = { name, option: undefined as unknown as OptionModel, span: patched ? file.fieldSpan(patchPointer) : useSpan };
      if (patched) po.patch = patches[name] as OptionPatch;
      if (base) po.option = patched ? applyPatch(base, patches[name], file, patchPointer) : base;
      out.push(po);
    };
    for (const u of uses) add(u.name, u.span, true);
    for (const name of Object.keys(patches)) add(name, file.fieldSpan(`/parameters_patch/${escapePointer(name)}`), false);
    return out;
  }
}

/** Option names shown in the wizard, in first-use order, with the span of their entry. */
function shownOptions(pages: DisplayPage[]): { name: string; span: Span }[] {
  const out: { name: string; span: Span }[] = [];
  for (const pg of Array.isArray(pages) ? pages : []) {
    if (!isPlainObject(pg) || !Array.isArray(pg.groups)) continue;
    for (const g of pg.groups) {
      if (!isPlainObject(g) || !Array.isArray(g.parameters)) continue;
      for (const x of g.parameters) if (isPlainObject(x) && typeof x.name === 'string' && x.span) out.push({ name: x.name, span: x.span });
    }
  }
  return out;
}

/**
 * The option as one plan uses it: the file with its `parameters_patch` entry applied
 * (SPEC §C.8). Form B (a whole `schema`/`billing` section) replaces the section; form A
 * (a dotted path from the option root) sets one key, creating maps on the way. When one
 * patch does both for a section, form B wins (IB-067 reports the conflict). Paths into
 * anything but `schema`, `billing` and `actions` are ignored (IB-066 reports them).
 */
function applyPatch(base: OptionModel, patch: unknown, file?: YamlFile, pointer?: string): OptionModel {
  const sections: Record<string, unknown> = {};
  setOwn(sections, 'actions', structuredCloneSafe(base.actions));
  setOwn(sections, 'schema', structuredCloneSafe(base.schema));
  setOwn(sections, 'billing', structuredCloneSafe(base.billing));
  const fieldSpans: Record<string, Span> = { ...(base.fieldSpans ?? {}) };
  if (isPlainObject(patch)) {
    const keys = Object.keys(patch);
    const whole = new Set(keys.filter((k) => PATCH_SECTIONS.includes(k)));
    for (const k of whole) {
      setOwn(sections, k, structuredCloneSafe(patch[k]));
      if (file && pointer) {
        const p = `${pointer}/${escapePointer(k)}`;
        setOwn(fieldSpans, k, file.fieldSpan(p));
        const value = patch[k];
        if (k === 'schema' && isPlainObject(value)) for (const [sk, s] of Object.entries(file.fieldSpans(p, value))) setOwn(fieldSpans, sk, s);
      }
    }
    for (const k of keys) {
      if (!k.includes('.')) continue;
      const path = k.split('.');
      const head = path[0]!;
      if (!PATCH_SECTIONS.includes(head) || whole.has(head) || path.some((s) => s === '')) continue;
      let container = sections;
      let ok = true;
      for (let i = 0; i < path.length - 1; i++) {
        const seg = path[i]!;
        const next = hasOwn(container, seg) ? container[seg] : undefined;
        if (next === undefined || next === null) setOwn(container, seg, {});
        else if (!isPlainObject(next)) {
          ok = false; // a path through a scalar or a list cannot be set
          break;
        }
        container = container[seg] as Record<string, unknown>;
      }
      if (!ok) continue;
      setOwn(container, path[path.length - 1]!, structuredCloneSafe(patch[k]));
      if (file && pointer) setOwn(fieldSpans, head === 'schema' && path.length > 1 ? path[1]! : head, file.fieldSpan(`${pointer}/${escapePointer(k)}`));
    }
  }
  const option: OptionModel = {
    name: base.name,
    actions: sections.actions as OptionModel['actions'],
    schema: sections.schema as OptionModel['schema'],
    span: base.span,
    fieldSpans,
  };
  if (sections.billing !== undefined) option.billing = sections.billing as OptionModel['billing'];
  if (base.extraRootKeys) option.extraRootKeys = base.extraRootKeys;
  return option;
}

/** A deep copy of a plain YAML value (maps, lists, scalars), keeping own `__proto__` keys. */
function structuredCloneSafe<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => structuredCloneSafe(x)) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwn(out, k, structuredCloneSafe(v[k]));
    return out as T;
  }
  return v;
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a map' : `the ${typeof v} ${JSON.stringify(v)}`;
}

function yamlHint(kind: string): string | undefined {
  switch (kind) {
    case 'syntax':
      return 'Quote string values that contain ": " or " #" or start with an indicator character, and indent nested keys by 2 spaces (SPEC §0.3).';
    case 'yaml11-ambiguity':
      return 'The marketplace generator most probably reads YAML 1.1 (PyYAML); quote the value so both readers agree (SPEC §0.3).';
    case 'duplicate-key':
      return 'Keep one of the two keys; readers disagree on which value wins.';
    case 'tab-indent':
      return 'Indent with 2 spaces.';
    case 'alias-bomb':
      return 'Package files need no anchors or aliases; write the values out.';
    case 'not-utf8':
    case 'bom':
      return 'Save the file as UTF-8 without a byte-order mark (SPEC §0.3).';
    default:
      return undefined;
  }
}

function readHint(kind: string): string | undefined {
  switch (kind) {
    case 'zip-slip':
      return 'Entry names must be relative paths inside the package: zip the directory with `zip -r <SERVICE_NAME>.zip <SERVICE_NAME>`.';
    case 'symlink':
    case 'special-file':
      return 'Packages hold regular files only; replace links with the files they point to.';
    case 'zip-bomb':
    case 'too-large':
    case 'too-many-entries':
      return 'A service package is small (≤ 30 MB): YAML, Markdown, Terraform and one icon.';
    case 'corrupt':
      return 'Re-create the archive; it may be truncated or not a zip file.';
    case 'encrypted':
      return 'Do not encrypt the package archive.';
    case 'unsupported-compression':
      return 'Use the standard deflate compression (zip -r).';
    default:
      return undefined;
  }
}

/**
 * Reads a package from a {@link FileTree} (a directory or a zip read into memory). Pure:
 * no I/O. The IR follows the conventions of `model/ib-from-dsl.ts`.
 */
export function readIbPackageTree(tree: FileTree, options: IbTreeOptions = {}): IbReadResult {
  const reader = new PackageReader(tree, options);
  try {
    if (!reader.prepare()) return { diagnostics: reader.diagnostics };
    return { service: reader.read(), diagnostics: reader.diagnostics };
  } catch (e) {
    // Defensive: the reader handles every value it meets; a bug must not take validate down.
    reader.report('READ-003', 'error', `The package could not be read: ${e instanceof Error ? e.message : String(e)}.`, { file: tree.root, line: 1, column: 1 }, 'Please report this as a vkmp bug.');
    return { diagnostics: reader.diagnostics };
  }
}

/** Where the package is inside a directory given to validate: the directory itself, or its single child. */
export function packageDirIn(dir: string): string | undefined {
  const has = (d: string, name: string) => {
    try {
      return statSync(`${d}/${name}`).isFile();
    } catch {
      return false;
    }
  };
  const isDirectory = (d: string) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  };
  const looksLikePackage = (d: string) => has(d, 'service.yaml') || has(d, 'version.yaml') || (isDirectory(`${d}/parameters`) && isDirectory(`${d}/plans`));
  if (looksLikePackage(dir)) return dir;
  let subdirs: string[];
  try {
    subdirs = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !isStrayName(e.name)).map((e) => e.name);
  } catch {
    return undefined;
  }
  if (subdirs.length === 1 && looksLikePackage(`${dir}/${subdirs[0]}`)) return `${dir}/${subdirs[0]}`;
  return undefined;
}

/**
 * Reads a package directory or zip from disk (validate). The zip size is IB-111; the
 * Terraform manifests are parsed later, by the pipeline (`prepareTerraform`).
 */
export async function readIbPackage(path: string, limits?: TreeLimits): Promise<{ model: ProjectModel; diagnostics: Diagnostic[] }> {
  const abs = resolve(path);
  const model: ProjectModel = { catalogs: [], packages: [] };
  let tree: FileTree;
  let options: IbTreeOptions;
  const diagnostics: Diagnostic[] = [];
  let isDirectory = false;
  try {
    isDirectory = statSync(abs).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (isDirectory) {
    const dir = packageDirIn(abs) ?? abs;
    tree = await readDirectoryTree(dir, limits);
    options = { serviceName: basename(dir) };
  } else {
    let size = -1;
    try {
      size = statSync(abs).size;
    } catch {
      size = -1;
    }
    const issue = size >= 0 ? checkPackageSize(size) : undefined;
    if (issue) diagnostics.push({ code: issue.code, severity: issue.severity, message: issue.message, span: { file: abs, line: 1, column: 1 }, docs: docsOf('IB-111') });
    tree = await readZipTree(abs, limits);
    options = { zip: true, serviceName: basename(abs).replace(/\.zip$/i, '') };
  }
  const r = readIbPackageTree(tree, options);
  if (r.service) model.packages.push(r.service);
  return { model, diagnostics: [...diagnostics, ...r.diagnostics] };
}

/** The artifact reader of image-based packages: a package directory (or its parent) and any `.zip`. */
export const ibArtifactReader: ArtifactReader = {
  detect(path, isDirectory) {
    if (!isDirectory) return /\.zip$/i.test(path);
    return packageDirIn(path) !== undefined;
  },
  read: (path) => readIbPackage(path),
};

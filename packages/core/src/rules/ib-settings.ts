/**
 * `deployment/settings.yaml` rules (SPEC §C.11, IB-107…IB-110) and the metadata of the
 * image-based rules that the package reader enforces (`read/ib.ts`: IB-004, IB-005, IB-015,
 * IB-111…IB-113). The build checks IB-111 on the archive it writes (`emit/ib.ts`).
 */
import type { Span } from '../diagnostics.js';
import type { DeploymentFile, PlanModel } from '../model/types.js';
import type { ParsedDocument } from '../read/json.js';
import { decodeUtf8 } from '../read/text.js';
import { parseYamlCached } from '../read/ib.js';
import { rule, type ListedRule, type PlanRule, type Rule } from './engine.js';

const IB = ['image-based'] as const;
type Meta<R> = Omit<R, 'docs' | 'scope' | 'kinds'> & { source: string };
const plan = (r: Meta<PlanRule>): PlanRule => rule<PlanRule>({ scope: 'plan', kinds: IB, section: '§C.11', ...r });
const listed = (r: Omit<ListedRule, 'docs' | 'scope' | 'kinds'> & { source: string; section: string }): ListedRule => rule<ListedRule>({ scope: 'reader', kinds: IB, ...r });

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const PRESETS = ['base_v2', 'base_v3', 'base_alpha'] as const;
const SETTINGS_KEYS = ['preset', 'retry'];
/** YAML issue kinds that leave the settings unreadable (the reader reports them as IB-004). */
const FATAL = new Set(['syntax', 'duplicate-key', 'alias-bomb', 'tab-indent', 'too-large', 'depth', 'complex-key', 'multiple-documents', 'tag', 'not-utf8']);

interface Settings {
  file: DeploymentFile;
  doc: ParsedDocument;
  /** Where to point: inside the YAML file, or (a DSL model) the one span the IR has. */
  at(pointer: string, key?: boolean): Span;
}

const cache = new WeakMap<DeploymentFile, Settings | null>();

/** The plan's parsed `deployment/settings.yaml`; undefined without one or when it does not parse. */
function settingsOf(p: PlanModel): Settings | undefined {
  const f = (Array.isArray(p.deployment) ? p.deployment : []).find((x) => isPlainObject(x) && x.path === 'settings.yaml' && x.bytes instanceof Uint8Array);
  if (!f) return undefined;
  let s = cache.get(f);
  if (s === undefined) {
    // A package file is named …/settings.yaml; a DSL-generated one points at the plan in the .ts source.
    const inFile = !!f.span && /(^|[/\\])settings\.yaml$/.test(f.span.file);
    const file = inFile ? f.span!.file : 'deployment/settings.yaml';
    const decoded = decodeUtf8(f.bytes, file);
    const doc = parseYamlCached(decoded.text, file);
    const fatal = [...decoded.issues, ...doc.issues].some((i) => FATAL.has(i.kind));
    s = fatal
      ? null
      : {
          file: f,
          doc,
          at: (pointer, key = false) => {
            if (!inFile) return f.span ?? { file, line: 1, column: 1 };
            return (key ? doc.keySpans.get(pointer) : undefined) ?? doc.spans.get(pointer) ?? { file, line: 1, column: 1 };
          },
        };
    cache.set(f, s);
  }
  return s ?? undefined;
}

const label = (p: PlanModel): string => `Plan "${typeof p.name === 'string' ? p.name : '?'}"`;
const RETRY = new Set<unknown>(['yes', 'no', true, false]);

export const ibSettingsRules: Rule[] = [
  plan({
    id: 'IB-107', severity: 'error', source: 'TF/tf_manifest_settings/#tf_manifest_settings',
    title: 'settings.yaml, if present, is a map with only the keys preset and retry.',
    check(p, _s, ctx) {
      const s = settingsOf(p);
      if (!s) return;
      const v = s.doc.value;
      if (v === null || v === undefined) return; // an empty file: the defaults apply
      if (!isPlainObject(v)) {
        ctx.report({ span: s.at(''), message: `${label(p)}: settings.yaml must be a map with preset and retry, got ${Array.isArray(v) ? 'a list' : JSON.stringify(v)}.`, hint: 'preset: base_v3\nretry: yes' });
        return;
      }
      for (const k of Object.keys(v)) {
        if (!SETTINGS_KEYS.includes(k)) ctx.report({ span: s.at(`/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, true), message: `${label(p)}: settings.yaml has the key "${k}"; only preset and retry are documented.`, hint: 'Remove it.' });
      }
    },
  }),
  plan({
    id: 'IB-108', severity: 'error', source: 'TF/tf_manifest_settings/#tf_manifest_settings',
    title: `preset is one of ${PRESETS.join(', ')}.`,
    check(p, _s, ctx) {
      const s = settingsOf(p);
      const v = s?.doc.value;
      if (!s || !isPlainObject(v) || !Object.hasOwn(v, 'preset')) return;
      if (!(PRESETS as readonly unknown[]).includes(v.preset)) {
        ctx.report({ span: s.at('/preset'), message: `${label(p)}: preset ${JSON.stringify(v.preset)} is not a documented preset (${PRESETS.join(', ')}).`, hint: 'base_v3 is the latest stable preset (VK CS 0.7.1, iVK CS 1.2.0); omit preset to get the latest stable one.' });
      }
    },
  }),
  plan({
    id: 'IB-109', severity: 'error', source: 'TF/tf_manifest_settings/#tf_manifest_settings',
    title: 'retry is yes or no (the YAML 1.1 booleans true/false are accepted as the same).',
    check(p, _s, ctx) {
      const s = settingsOf(p);
      const v = s?.doc.value;
      if (!s || !isPlainObject(v) || !Object.hasOwn(v, 'retry')) return;
      if (!RETRY.has(v.retry)) {
        ctx.report({ span: s.at('/retry'), message: `${label(p)}: retry ${JSON.stringify(v.retry)} is not yes or no.`, hint: 'retry: yes (redeploy after a failure, the default) or retry: no.' });
      }
    },
  }),
  plan({
    id: 'IB-110', severity: 'warning', source: 'TF/tf_manifest_settings/#tf_manifest_settings',
    title: 'preset base_alpha is a testing preset, not for a revision to publish.',
    check(p, _s, ctx) {
      const s = settingsOf(p);
      const v = s?.doc.value;
      if (s && isPlainObject(v) && v.preset === 'base_alpha') {
        ctx.report({ span: s.at('/preset'), message: `${label(p)}: preset base_alpha is the preset under test; do not publish a revision with it.`, hint: 'Use a stable preset (base_v3) before asking for publication.' });
      }
    },
  }),

  // Enforced by the package reader (read/ib.ts) and, for IB-111, by the build (emit/ib.ts).
  listed({ id: 'IB-004', severity: 'error', section: '§C.14', source: 'MA/ibservice_add/ib_structure/#ib_structure_file', title: 'Every YAML file has the extension .yaml and parses as YAML; plain scalars read the same under YAML 1.1 and 1.2 (warning otherwise).' }),
  listed({ id: 'IB-005', severity: 'warning', section: '§C.14', source: 'MA/ibservice_add/ib_structure/#ib_structure_file', title: 'Keys the docs do not describe for a file are reported (H-19).' }),
  listed({ id: 'IB-015', severity: 'warning', section: '§C.4', source: 'INC/_xaas_ib_params.md#tag:service.yaml-plans', title: 'Every plans/<PLAN_NAME>/ directory is listed in service.yaml plans.' }),
  listed({ id: 'IB-111', severity: 'error', section: '§C.12', source: 'UP/ibservice_upload_package/#upload_actions', title: 'The package zip is at most 30 MB (30 × 2^20 bytes; over 30 × 10^6 bytes is a warning, H-02).' }),
  listed({ id: 'IB-112', severity: 'warning', section: '§C.12', source: 'INS/manage-ib-apps/ib-add/#upload_package', title: 'The zip root is the single directory <SERVICE_NAME>/ (H-04).' }),
  listed({ id: 'IB-113', severity: 'warning', section: '§C.12', source: 'INS/manage-ib-apps/ib-add/#upload_package', title: 'The package holds no stray files (.DS_Store, __MACOSX/, VCS directories, files outside the layout).' }),
];

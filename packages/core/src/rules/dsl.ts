/** Tool rules: problems in the vendor's project that no SPEC rule names. */
import { rule, type ListedRule, type Rule } from './engine.js';

const tool = (id: string, title: string, scope: ListedRule['scope'] = 'dsl'): ListedRule =>
  ({ ...rule<ListedRule>({ id, title, severity: 'error', scope, kinds: ['saas', 'image-based'], section: 'README', source: 'README.md' }), docs: 'README.md#rule-ids' });

export const toolRules: Rule[] = [
  tool('DSL-001', 'A DSL value has an unknown key (the runtime twin of a TypeScript excess-property error).'),
  tool('DSL-002', 'A DSL reference is not what the DSL expects: an option not in the service, a value not built by the SDK.'),
  tool('DSL-003', 'A file() reference cannot be read.'),
  { ...tool('DSL-004', 'Escape-hatch (raw) fields are passed through verbatim; each is reported as a warning.'), severity: 'warning' },
  tool('LOAD-001', 'No vkmp.config.ts was found.', 'reader'),
  tool('LOAD-002', 'A project file does not compile (syntax or import error).', 'reader'),
  tool('LOAD-003', 'A project file threw while being evaluated.', 'reader'),
  tool('LOAD-004', 'The config or a service file does not export what vkmp expects.', 'reader'),
  tool('LOAD-005', 'A service path or glob in the config matches no file.', 'reader'),
  { ...tool('READ-001', 'A hand-written artifact has a key the docs do not describe; it is kept and reported (H-19).', 'reader'), severity: 'warning' },
  tool('READ-002', 'A path given to validate is missing or is not an artifact vkmp reads.', 'reader'),
  tool('READ-003', 'An artifact cannot be read safely: an unsafe zip entry (zip-slip, link, special file), a zip bomb or size/count limit, a corrupt or encrypted archive, or an unreadable file.', 'reader'),
];

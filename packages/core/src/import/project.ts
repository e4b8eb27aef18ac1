/**
 * The files every vendor repo has (shared by `vkmp import` and `vkmp init`): npm
 * scripts for the vendor's day (DESIGN §1), `vkmp.config.ts`, a strict `tsconfig.json`
 * that `vkmp check` uses, and a `.gitignore`.
 */
import { formatJson } from '../util/json.js';

/** The version of `@vkmp/sdk` and `vkmp` that generated projects depend on. */
export const VKMP_VERSION = '0.1.0';

export interface ProjectSkeletonOptions {
  /** npm package name of the vendor repo. */
  packageName: string;
  description: string;
  /** Version range of `@vkmp/sdk` and `vkmp` (default {@link VKMP_VERSION}). */
  vkmpVersion?: string;
}

/** A valid npm package name made from free text (lower case, URL-safe, ≤ 214 characters). */
export function packageNameFrom(text: string, fallback = 'vkmp-services'): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 214);
  return name || fallback;
}

export const CONFIG_SOURCE = `import { defineConfig } from '@vkmp/sdk';

export default defineConfig({
  services: ['services/*/service.ts'],
  outDir: 'dist',
});
`;

export const GITIGNORE = 'dist/\nnode_modules/\n';

/** `package.json`, `tsconfig.json`, `vkmp.config.ts` and `.gitignore`. */
export function projectFiles(options: ProjectSkeletonOptions): Map<string, string> {
  const version = options.vkmpVersion ?? VKMP_VERSION;
  const pkg = {
    name: options.packageName,
    private: true,
    type: 'module',
    description: options.description,
    scripts: { check: 'vkmp check', build: 'vkmp build', diff: 'vkmp diff', deploy: 'vkmp deploy' },
    devDependencies: { '@vkmp/sdk': version, vkmp: version },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'es2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    },
    include: ['vkmp.config.ts', 'services/**/*.ts'],
  };
  return new Map([
    ['package.json', formatJson(pkg)],
    ['tsconfig.json', formatJson(tsconfig)],
    ['vkmp.config.ts', CONFIG_SOURCE],
    ['.gitignore', GITIGNORE],
  ]);
}

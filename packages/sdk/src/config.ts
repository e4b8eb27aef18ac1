/** `vkmp.config.ts`: where the services are and where artifacts go. */
import { CONFIG, SERVICE } from './brand.js';

/** Anything `defineConfig` accepts as a service: a glob of service files, or a service value. */
export type ServiceEntry = string | { readonly [SERVICE]: true };

/** The project configuration, the default export of `vkmp.config.ts`. */
export interface VkmpConfigInput {
  /**
   * Service files (globs relative to the config file, e.g. `services/*\/service.ts`) whose
   * default export is a service, or service values imported directly.
   */
  readonly services: readonly ServiceEntry[];
  /** Build output directory, relative to the config file. Default `dist`. */
  readonly outDir?: string;
  /** Where `vkmp deploy` sends things. */
  readonly deploy?: {
    /** Infra API host (`cloud.vk.ru` by default; the old docs use `cloud.vk.com`). */
    readonly host?: string;
    /** The SaaS broker's `resources/` directory that deploy writes catalogs into, relative to the config file. */
    readonly brokerResourcesDir?: string;
  };
}

/** A configuration value made by {@link defineConfig}. */
export interface VkmpConfig extends VkmpConfigInput {
  readonly [CONFIG]: true;
}

/** Declares the project configuration. Export it as the default export of `vkmp.config.ts`. */
export function defineConfig(input: VkmpConfigInput): VkmpConfig {
  return Object.freeze({ ...input, [CONFIG]: true as const });
}

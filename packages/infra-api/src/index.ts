/**
 * `@vkmp/infra-api`: a typed client for the VK Cloud Marketplace Infra API (SPEC §D) and a
 * local emulator of it (DESIGN §7).
 *
 * @example Client against the real API
 * ```ts
 * import { InfraApiClient } from '@vkmp/infra-api';
 * const api = new InfraApiClient(); // host cloud.vk.ru, tokens from VKMP_SERVICE_TOKEN / VKMP_USAGE_TOKEN / VKMP_AUTH_TOKEN
 * await api.uploadProduct({ path: 'dist/my_service.zip' });
 * ```
 *
 * @example Client against the emulator
 * ```ts
 * import { InfraApiClient, startEmulator } from '@vkmp/infra-api';
 * const emu = await startEmulator({ dataDir: '.vkmp/emulator', serviceTokens: ['dev'], usageTokens: ['dev-usage'], authTokens: ['dev-auth'] });
 * const api = new InfraApiClient({ baseUrl: emu.baseUrl, serviceToken: 'dev' });
 * ```
 *
 * @packageDocumentation
 */

export { InfraApiClient, describeRetry, normalizeHost, resolveBaseUrl } from './client.js';
export type {
  ApiResult,
  CallOptions,
  InfraApiClientOptions,
  PackageInput,
  RetryInfo,
  UploadOptions,
  UploadResult,
  UsagePushResult,
} from './client.js';
export { InfraApiError, isInfraApiError, truncateBody, MAX_ERROR_BODY_CHARS } from './errors.js';
export type { InfraApiErrorInit, InfraApiErrorKind } from './errors.js';
export { PackageChangedError } from './multipart.js';
export type { UploadProgress } from './multipart.js';
export { DEFAULT_RETRY_POLICY, backoffDelay, parseRetryAfter } from './retry.js';
export type { RetryPolicy } from './retry.js';
export { MissingSecretError, REDACTED, Secret, TOKEN_ENV, redact } from './secret.js';
export type { TokenKind } from './secret.js';
export { API_PREFIX, DEFAULT_HOST, MAX_PACKAGE_BYTES, UUID_RE, isRfc3339DateTime, validateUsageReport } from './types.js';
export type {
  InstanceLogEntry,
  ServiceRevisionRef,
  TestObjectSpec,
  TestObjectState,
  TestObjectStatus,
  UsageRecord,
  UsageReport,
} from './types.js';
export { startEmulator } from './emulator/server.js';
export { minimalValidatePackage } from './emulator/zip.js';
export type {
  ArchiveRecord,
  EmulatorFaults,
  EmulatorHandle,
  EmulatorOptions,
  EmulatorState,
  EmulatorStateView,
  EmulatorStats,
  ManifestRecord,
  ManifestVersion,
  PackageValidator,
  PackageVerdict,
  ServiceRecord,
  TestObjectRecord,
  UploadLogEntry,
  UsageBatchRecord,
  VerdictPlan,
} from './emulator/types.js';

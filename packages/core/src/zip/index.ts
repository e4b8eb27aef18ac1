/** Deterministic package archives (SPEC §C.12) and the package size check (IB-111). */
export {
  MAX_PACKAGE_BYTES,
  PACKAGE_WARNING_BYTES,
  STORED_EXTENSIONS,
  checkPackageSize,
  writeZip,
  type PackageSizeIssue,
  type WriteZipOptions,
  type ZipInputEntry,
} from './zip.js';

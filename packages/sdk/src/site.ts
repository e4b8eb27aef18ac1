/**
 * Call-site capture for DSL calls. Every DSL constructor records where the vendor
 * called it, so a diagnostic can point at `service.ts:12:5`. We read V8 call sites
 * (cheap: no stack string, no source-map work); the loader maps the bundle position
 * back to the vendor's TypeScript only when a diagnostic is actually printed.
 */

/** A position in a generated or original file (1-based line and column). */
export interface Site {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

// Frames inside the SDK (its src/ or dist/ directory) are never the vendor's call.
const sdkDir = new URL('.', import.meta.url).href;
const sdkDirPath = sdkDir.startsWith('file://') ? decodeURIComponent(new URL(sdkDir).pathname) : sdkDir;

type CallSite = { getFileName(): string | null | undefined; getLineNumber(): number | null; getColumnNumber(): number | null };

/** The first stack frame outside the SDK, i.e. the vendor's DSL call. */
export function captureSite(): Site | undefined {
  const originalPrepare = Error.prepareStackTrace;
  const originalLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 16;
    Error.prepareStackTrace = (_error, frames) => frames;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, captureSite);
    const frames = holder.stack as CallSite[] | undefined;
    if (!Array.isArray(frames)) return undefined;
    for (const frame of frames) {
      const file = frame.getFileName();
      if (!file || file.startsWith(sdkDir) || file.startsWith(sdkDirPath) || file.startsWith('node:')) continue;
      return { file, line: frame.getLineNumber() ?? 1, column: frame.getColumnNumber() ?? 1 };
    }
    return undefined;
  } finally {
    Error.prepareStackTrace = originalPrepare;
    Error.stackTraceLimit = originalLimit;
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Progress of one upload attempt. */
export interface UploadProgress {
  /** Zip bytes handed to the connection so far in this attempt. */
  sentBytes: number;
  /** Zip size in bytes. */
  totalBytes: number;
  /** Attempt number (1 = first); progress restarts from 0 on every retry. */
  attempt: number;
}

/** One prepared multipart body, valid for a single request attempt. */
export interface MultipartBody {
  /** The body, streamed chunk by chunk. */
  stream: AsyncIterable<Uint8Array>;
  /** Exact body length in bytes (sent as `content-length`). */
  length: number;
  /** `multipart/form-data; boundary=…` */
  contentType: string;
  /** SHA-256 (hex) of the zip bytes, available once the stream has been fully consumed. */
  sha256(): string | undefined;
  /** Releases the file handle if the attempt ended early. */
  close(): void;
}

/** Raised when the file on disk does not match the size measured before the upload. */
export class PackageChangedError extends Error {
  /** @param message - what changed */
  constructor(message: string) {
    super(message);
    this.name = 'PackageChangedError';
  }
}

/** Where the zip comes from: a file on disk (streamed) or bytes already in memory. */
export type ZipSource = { path: string; size: number; filename: string } | { bytes: Uint8Array; filename: string };

const CHUNK = 256 * 1024;

function safeFilename(name: string): string {
  const cleaned = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return cleaned === '' ? 'package.zip' : cleaned;
}

/**
 * Builds a `multipart/form-data` body with a single file part named `field` (API-003: `upload`).
 * A file source is re-opened for each call, so every retry streams the package from disk again,
 * holding at most one read chunk in memory.
 *
 * @param source - the zip
 * @param field - the form field name
 * @param attempt - attempt number, passed to `onProgress`
 * @param onProgress - called with the zip bytes sent so far
 */
export function buildMultipart(
  source: ZipSource,
  field: string,
  attempt: number,
  onProgress?: (p: UploadProgress) => void,
): MultipartBody {
  const boundary = `----vkmp-${randomBytes(16).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="${field}"; filename="${safeFilename(source.filename)}"\r\n` +
      'Content-Type: application/zip\r\n\r\n',
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const size = 'bytes' in source ? source.bytes.byteLength : source.size;
  const hash = createHash('sha256');
  let digest: string | undefined;
  let fileStream: ReturnType<typeof createReadStream> | undefined;

  async function* generate(): AsyncGenerator<Uint8Array> {
    let sent = 0;
    onProgress?.({ sentBytes: 0, totalBytes: size, attempt });
    yield head;
    if ('bytes' in source) {
      for (let off = 0; off < size; off += CHUNK) {
        const chunk = source.bytes.subarray(off, Math.min(size, off + CHUNK));
        hash.update(chunk);
        sent += chunk.byteLength;
        yield chunk;
        onProgress?.({ sentBytes: sent, totalBytes: size, attempt });
      }
    } else if (size > 0) {
      fileStream = createReadStream(source.path, { start: 0, end: size - 1, highWaterMark: CHUNK });
      for await (const chunk of fileStream as AsyncIterable<Buffer>) {
        hash.update(chunk);
        sent += chunk.byteLength;
        yield chunk;
        onProgress?.({ sentBytes: sent, totalBytes: size, attempt });
      }
      if (sent !== size) {
        throw new PackageChangedError(`package file shrank while uploading (${sent} of ${size} bytes read); rebuild it and try again`);
      }
    }
    digest = hash.digest('hex');
    yield tail;
  }

  return {
    stream: generate(),
    length: head.byteLength + size + tail.byteLength,
    contentType: `multipart/form-data; boundary=${boundary}`,
    sha256: () => digest,
    close: () => {
      fileStream?.destroy();
    },
  };
}

import busboy from 'busboy';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A zip received whole into a temporary file. */
export interface ReceivedZip {
  /** Temporary file (the caller moves or deletes it). */
  tmpPath: string;
  /** Size in bytes. */
  size: number;
  /** SHA-256 (hex), computed while streaming. */
  sha256: string;
  /** File name from the multipart part. */
  filename: string;
}

/** Outcome of {@link receiveUpload}. */
export type ReceiveResult =
  | { kind: 'ok'; file: ReceivedZip }
  /** Over the limit. `dropConnection`: so much excess arrived that the connection must be dropped. */
  | { kind: 'too-large'; size: number; filename?: string; dropConnection: boolean }
  /** Not a usable multipart body; the rest of the request may still be unread. */
  | { kind: 'malformed'; message: string }
  /** The client went away mid-request; nobody is left to answer. */
  | { kind: 'aborted' }
  /** The emulator could not store the file (disk error): HTTP 500. */
  | { kind: 'error'; message: string };

/** Limits of {@link receiveUpload}. */
export interface ReceiveLimits {
  /** Largest accepted zip, in bytes. */
  maxFileBytes: number;
  /** Request bytes read and discarded after the limit is hit before the connection is dropped. */
  drainCapBytes: number;
  /** Field name of the file part. */
  field: string;
}

/**
 * Streams a `multipart/form-data` request with busboy: the part named `limits.field` goes to
 * `tmpPath` through a SHA-256 hasher (never buffered whole); other parts are discarded. The size
 * limit is enforced while streaming: past `maxFileBytes` the partial file is deleted and the rest
 * of the request is discarded (up to `drainCapBytes`, then the caller drops the connection).
 *
 * @param req - the request
 * @param tmpPath - where to write the file part
 * @param limits - size limits and field name
 */
export function receiveUpload(req: IncomingMessage, tmpPath: string, limits: ReceiveLimits): Promise<ReceiveResult> {
  return new Promise((resolve) => {
    let settled = false;
    let fileDone: Promise<ReceivedZip | undefined> | undefined;
    let tooLarge = false;
    let fileBytes = 0;
    let filename: string | undefined;
    let requestBytes = 0;
    let limitAt = -1;
    let bb: busboy.Busboy | undefined;

    const finish = async (result: ReceiveResult): Promise<void> => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      if (result.kind !== 'ok') {
        // Destroying busboy ends any file stream still open, so `fileDone` always settles.
        if (bb !== undefined && !bb.destroyed) bb.destroy();
        await fileDone?.catch(() => undefined);
        await rm(tmpPath, { force: true });
      }
      resolve(result);
    };

    const onData = (chunk: Buffer): void => {
      requestBytes += chunk.length;
      if (tooLarge && limitAt >= 0 && requestBytes - limitAt > limits.drainCapBytes) {
        req.unpipe();
        req.pause();
        void finish({ kind: 'too-large', size: fileBytes, ...(filename !== undefined ? { filename } : {}), dropConnection: true });
      }
    };

    if (req.destroyed && !req.readableEnded) {
      void finish({ kind: 'aborted' });
      return;
    }
    try {
      bb = busboy({
        headers: req.headers,
        // busboy reports 'limit' as soon as a file *reaches* fileSize, so allow one byte more:
        // a zip of exactly maxFileBytes is accepted, maxFileBytes + 1 is too large.
        limits: { fileSize: limits.maxFileBytes + 1, files: 1, fields: 32, parts: 64, fieldSize: 64 * 1024, headerPairs: 64 },
      });
    } catch {
      void finish({ kind: 'malformed', message: 'the request must be multipart/form-data with the zip in a part named "upload" (API-003)' });
      return;
    }

    const parser = bb;
    parser.on('file', (name, stream, info) => {
      if (name !== limits.field || fileDone !== undefined) {
        stream.resume();
        return;
      }
      filename = info.filename;
      const hash = createHash('sha256');
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          fileBytes += chunk.length;
          cb(null, chunk);
        },
      });
      stream.on('limit', () => {
        tooLarge = true;
        limitAt = requestBytes;
      });
      const done = pipeline(stream, counter, createWriteStream(tmpPath, { flags: 'wx' })).then((): ReceivedZip | undefined => {
        if (tooLarge) return undefined;
        return { tmpPath, size: fileBytes, sha256: hash.digest('hex'), filename: info.filename ?? 'package.zip' };
      });
      // A failed write must not surface as an unhandled rejection; `close` below reports it.
      done.catch(() => undefined);
      fileDone = done;
    });

    parser.on('error', (err: unknown) => {
      req.unpipe(parser);
      const message = err instanceof Error ? err.message : String(err);
      void finish({ kind: 'malformed', message: `malformed multipart body: ${message}` });
    });

    parser.on('close', () => {
      void (async () => {
        if (fileDone === undefined) {
          await finish({ kind: 'malformed', message: 'the multipart body has no file part named "upload" (API-003)' });
          return;
        }
        let file: ReceivedZip | undefined;
        try {
          file = await fileDone;
        } catch (err) {
          await finish({ kind: 'error', message: `could not store the upload: ${(err as Error).message}` });
          return;
        }
        if (tooLarge || file === undefined) {
          await finish({ kind: 'too-large', size: fileBytes, ...(filename !== undefined ? { filename } : {}), dropConnection: false });
          return;
        }
        await finish({ kind: 'ok', file });
      })();
    });

    req.on('data', onData);
    req.on('close', () => {
      if (!req.complete) void finish({ kind: 'aborted' });
    });
    req.pipe(parser);
  });
}

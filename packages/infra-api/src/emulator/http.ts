import type { IncomingMessage, ServerResponse } from 'node:http';

/** Sends a JSON response (or an empty one for `body === undefined`). */
export function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  if (body === undefined) {
    res.writeHead(status, { ...headers, 'content-length': '0' });
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Standard JSON error body: `{error, message, diagnostics?}`. */
export function errorBody(error: string, message: string, diagnostics?: unknown[]): Record<string, unknown> {
  return diagnostics ? { error, message, diagnostics } : { error, message };
}

/**
 * Reads and discards the rest of a request body. Resolves `true` when the body ended within
 * `capBytes`, `false` as soon as more than `capBytes` arrived (the caller then answers with
 * `connection: close` and destroys the socket, so a huge body is never read to the end).
 */
export function drain(req: IncomingMessage, capBytes: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (req.readableEnded || req.complete || req.destroyed) {
      // Nothing left to read (or the client is gone, in which case nobody reads the answer).
      resolve(req.complete || req.readableEnded);
      return;
    }
    let seen = 0;
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > capBytes) {
        cleanup();
        req.pause();
        resolve(false);
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve(true);
    };
    const onClose = (): void => {
      cleanup();
      resolve(req.complete);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.resume();
  });
}

/**
 * Answers after draining the request body, so a client still sending (e.g. a 30 MB upload with a
 * wrong key) reliably reads the answer instead of a reset connection. If the body exceeds
 * `capBytes`, answers immediately with `connection: close` and drops the connection.
 */
export async function respondAfterDrain(
  req: IncomingMessage,
  res: ServerResponse,
  capBytes: number,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  const whole = await drain(req, capBytes);
  if (whole) {
    send(res, status, body, headers);
    return;
  }
  send(res, status, body, { ...headers, connection: 'close' });
  res.once('finish', () => req.socket.destroy());
}

/** Result of {@link readBody}. */
export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

/**
 * Reads a request body into memory, up to `capBytes`. A larger body yields `too-large` with the
 * request paused and unread; pass it to {@link respondAfterDrain} to answer.
 */
export function readBody(req: IncomingMessage, capBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    if (req.destroyed && !req.readableEnded) {
      resolve({ ok: false, reason: 'aborted' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > capBytes) {
        cleanup();
        req.pause();
        chunks.length = 0;
        resolve({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ ok: true, body: Buffer.concat(chunks) });
    };
    const onClose = (): void => {
      cleanup();
      resolve(req.complete ? { ok: true, body: Buffer.concat(chunks) } : { ok: false, reason: 'aborted' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}

/** Whether an address is a loopback address the emulator may bind to. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

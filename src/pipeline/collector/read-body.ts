import type { IncomingMessage } from 'node:http';

export type BodyReadResult =
  | { kind: 'complete'; bytes: Buffer }
  | { kind: 'too-large' }
  /** The client went away (or the socket failed) before the body ended. */
  | { kind: 'aborted' };

/**
 * Reads a request body, holding at most `maxBodyBytes` in memory: the moment the running total
 * passes the limit it stops listening, pauses the stream and reports `too-large`; the caller then
 * answers 413 and closes the connection, so the rest of the body is never read.
 */
export function readBodyLimited(req: IncomingMessage, maxBodyBytes: number): Promise<BodyReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    let settled = false;

    const settle = (result: BodyReadResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      receivedBytes += chunk.length;
      if (receivedBytes > maxBodyBytes) {
        chunks.length = 0;
        req.pause();
        settle({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => settle({ kind: 'complete', bytes: Buffer.concat(chunks, receivedBytes) });
    const onAborted = (): void => settle({ kind: 'aborted' });
    // A complete request emits 'end' (which settles) before 'close'; 'close' alone means cut short.
    const onClose = (): void => {
      if (!req.complete) settle({ kind: 'aborted' });
    };

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('close', onClose);
  });
}

/** The declared Content-Length, or undefined when absent (chunked) or not a plain integer. */
export function declaredContentLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

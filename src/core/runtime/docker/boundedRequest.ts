// A short Engine API request whose answer is read by us, not by docker-modem: docker-modem buffers
// a whole body however large it is and hands back a Buffer when it is not JSON. Here the body is
// counted as it arrives and the request is cut at a limit, a stalled body is ended by the caller's
// signal (the request time-out), and the connection closing mid-body is told apart from a refusal.
import type { IncomingMessage } from 'node:http';

/** Lists and inspect documents larger than this are refused: no real engine sends one. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** An error answer (4xx/5xx) is read up to this much: only its message is used. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** The part of docker-modem this uses. */
export interface Dialer {
  dial(o: object, cb: (err: Error | null, res: IncomingMessage) => void): void;
}

export interface BoundedRequest {
  /** Engine API path; a query is added from `query` (docker-modem's convention: a trailing '?'). */
  path: string;
  method?: 'GET' | 'POST' | 'DELETE';
  query?: Record<string, unknown>;
  signal: AbortSignal;
  maxBytes?: number;
}

export interface BoundedAnswer {
  status: number;
  body: Buffer;
}

/** Why a body could not be read; the runtime turns these into messages that name the engine. */
export class BodyError extends Error {
  constructor(
    readonly kind: 'tooLarge' | 'cutShort',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Every status code counts as an answer: we read error bodies ourselves, bounded. */
const ANY_STATUS = new Proxy({}, { get: () => true });

/** docker-modem's options for one request: always a stream (we read and count it), any status. */
function dialOptions(r: BoundedRequest, signal: AbortSignal) {
  return {
    path: r.query ? `${r.path}?` : r.path,
    method: r.method ?? 'GET',
    options: r.query ? { ...r.query } : {},
    isStream: true,
    statusCodes: ANY_STATUS,
    abortSignal: signal,
  };
}

export function boundedRequest(modem: Dialer, r: BoundedRequest): Promise<BoundedAnswer> {
  const maxBytes = r.maxBytes ?? MAX_BODY_BYTES;
  return new Promise((resolve, reject) => {
    if (r.signal.aborted) return reject(abortError(r.signal));
    modem.dial(dialOptions(r, r.signal), (err, res) => {
      if (err) return reject(err);
      readBody(res, res.statusCode ?? 0, maxBytes, r.signal).then(resolve, reject);
    });
  });
}

function readBody(res: IncomingMessage, status: number, maxBytes: number, signal: AbortSignal): Promise<BoundedAnswer> {
  const limit = status >= 400 ? MAX_ERROR_BODY_BYTES : maxBytes;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = () => {
      settle(() => reject(abortError(signal)));
      res.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    // A declared length over the limit is refused before anything is read.
    const declared = Number(res.headers['content-length']);
    if (status < 400 && Number.isFinite(declared) && declared > limit) {
      settle(() => reject(new BodyError('tooLarge', `more than ${limit} bytes`)));
      res.destroy();
      return;
    }
    res.on('data', (b: Buffer) => {
      if (settled) return;
      total += b.length;
      if (total > limit) {
        if (status >= 400) {
          // Enough of an error answer to show its message; the rest is not wanted.
          chunks.push(b.subarray(0, b.length - (total - limit)));
          settle(() => resolve({ status, body: Buffer.concat(chunks) }));
        } else settle(() => reject(new BodyError('tooLarge', `more than ${limit} bytes`)));
        res.destroy();
        return;
      }
      chunks.push(b);
    });
    res.on('end', () => settle(() => resolve({ status, body: Buffer.concat(chunks, total) })));
    res.on('error', (e) => settle(() => reject(signal.aborted ? abortError(signal) : cutShort(e))));
    // 'close' without 'end': the engine closed the connection before the body was complete.
    res.on('close', () => settle(() => reject(signal.aborted ? abortError(signal) : cutShort())));
  });
}

function cutShort(cause?: unknown): BodyError {
  return new BodyError('cutShort', 'the connection closed before the answer was complete', { cause });
}

function abortError(signal: AbortSignal): Error {
  const e = new Error('The operation was aborted') as Error & { code: string; cause?: unknown };
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  e.cause = signal.reason;
  return e;
}

/**
 * An engine's error answer (4xx/5xx), shaped as docker-modem shapes them (statusCode, json), so
 * fromEngineError maps both the same way. The message is the engine's own when it sent JSON with
 * one, else the start of the body (an HTML error page from a proxy, say).
 */
export class EngineHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: { message?: string } | null,
    message: string,
  ) {
    super(message);
  }
}

export function httpError(a: BoundedAnswer): EngineHttpError {
  const text = a.body.toString('utf8');
  let json: { message?: string } | null = null;
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string')
      json = { message: (v as { message: string }).message };
  } catch {
    /* not JSON: the text itself is the message */
  }
  const firstLine = text
    .replace(/<[^>]*>/g, ' ')
    .trim()
    .split('\n')[0]
    .trim();
  return new EngineHttpError(a.status, json, json?.message ?? `HTTP ${a.status}${firstLine ? `: ${firstLine}` : ''}`);
}

/**
 * Opens a long-lived answer (events, logs, stats) and hands over the response stream once the
 * engine said yes; an error answer is read bounded and rejected as an EngineHttpError.
 */
export function openStreamRequest(
  modem: Dialer,
  r: BoundedRequest & { openTimeoutMs?: number },
): Promise<IncomingMessage> {
  // The caller's signal ends the stream whenever it fires; the open time-out only until the engine
  // has answered (a stream is then allowed to be quiet for as long as it likes). 0: no open
  // time-out, for answers an engine may rightly hold back (Podman sends a followed log's headers
  // only with its first line).
  const ac = new AbortController();
  const onAbort = () => ac.abort(r.signal.reason);
  r.signal.addEventListener('abort', onAbort, { once: true });
  const openTimeoutMs = r.openTimeoutMs ?? 15_000;
  const timer =
    openTimeoutMs > 0
      ? setTimeout(() => {
          const e = new Error('The engine did not answer in time') as Error & { code: string };
          e.code = 'ETIMEDOUT';
          ac.abort(e);
        }, openTimeoutMs)
      : undefined;
  const opened = new Promise<IncomingMessage>((resolve, reject) => {
    if (r.signal.aborted) return reject(abortError(r.signal));
    ac.signal.addEventListener(
      'abort',
      () => {
        const reason: unknown = ac.signal.reason;
        reject(
          reason instanceof Error && (reason as { code?: string }).code === 'ETIMEDOUT'
            ? reason
            : abortError(ac.signal),
        );
      },
      { once: true },
    );
    modem.dial(dialOptions(r, ac.signal), (err, res) => {
      if (err) return reject(err);
      const status = res.statusCode ?? 0;
      clearTimeout(timer);
      if (status >= 200 && status < 300) {
        res.once('close', () => r.signal.removeEventListener('abort', onAbort));
        return resolve(res);
      }
      readBody(res, status, MAX_ERROR_BODY_BYTES, ac.signal).then((a) => reject(httpError(a)), reject);
    });
  });
  const cleanup = () => clearTimeout(timer);
  opened.then(cleanup, () => {
    cleanup();
    r.signal.removeEventListener('abort', onAbort);
  });
  return opened;
}

/**
 * One HTTP exchange with a registry, bounded every way a hostile server could stretch it: a deadline
 * for the whole exchange (headers and body), an idle time-out (no byte for so long), an AbortSignal,
 * and body size caps. Every failure is a RuntimeError naming the culprit; the socket is destroyed on
 * every early exit, so nothing is left open. Plain http only for loopback and hosts the caller lists.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { RuntimeError } from '../runtime/errors';
import { registryError, type Culprit } from './errors';

export interface ExchangeOptions {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';
  url: URL;
  headers?: Record<string, string>;
  body?: Buffer | string;
  signal?: AbortSignal;
  /** The whole exchange, body included. */
  timeoutMs: number;
  /** No byte sent or received for this long. */
  idleTimeoutMs: number;
  culprit: Culprit;
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts spoken to in plain http unless the caller lists more. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Whether `host` (host[:port]) is spoken to in plain http: loopback, or listed by host:port or host. */
export function usesPlainHttp(host: string, insecureHosts: readonly string[] = []): boolean {
  const lower = host.toLowerCase();
  const hostname = lower.startsWith('[') ? lower.slice(0, lower.indexOf(']') + 1) : lower.split(':')[0];
  if (isLoopbackHost(hostname)) return true;
  return insecureHosts.some((h) => {
    const l = h.toLowerCase();
    return l === lower || l === hostname;
  });
}

/**
 * Sends one request and hands the response to `consume`, which must read (or drop) the body; the
 * deadline and the idle time-out keep running while it does. Resolves with what `consume` returns.
 */
export function exchange<T>(o: ExchangeOptions, consume: (res: IncomingMessage) => Promise<T>): Promise<T> {
  const c = o.culprit;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let req: http.ClientRequest | undefined;
    let res: IncomingMessage | undefined;
    const finish = (err: unknown, value?: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      o.signal?.removeEventListener('abort', onAbort);
      if (err !== undefined) {
        res?.destroy();
        req?.destroy();
        reject(err instanceof RuntimeError ? err : networkError(err, o));
      } else {
        resolve(value as T);
      }
    };
    const deadline = setTimeout(
      () =>
        finish(
          registryError(
            'timeout',
            c,
            `the registry did not finish answering within ${Math.round(o.timeoutMs / 1000)} s ` +
              `(${o.method} ${pathOf(o.url)}).`,
            'Check the network and the registry address, then try again.',
          ),
        ),
      o.timeoutMs,
    );
    const onAbort = (): void => finish(new RuntimeError('cancelled', `${o.method} ${o.url.host} was cancelled.`));
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const mod = o.url.protocol === 'http:' ? http : https;
      const headers: Record<string, string> = { 'user-agent': 'container-workspaces', ...o.headers };
      if (o.body !== undefined) headers['content-length'] = String(Buffer.byteLength(o.body));
      req = mod.request(o.url, { method: o.method, headers, agent: false, timeout: o.idleTimeoutMs });
    } catch (err) {
      // Invalid header characters and the like throw synchronously (a TypeError from Node).
      return finish(registryError('invalidArgument', c, `the request could not be made (${String(err)}).`));
    }
    req.on('timeout', () =>
      finish(
        registryError(
          'timeout',
          c,
          `the registry sent nothing for ${Math.round(o.idleTimeoutMs / 1000)} s (${o.method} ${pathOf(o.url)}).`,
          'Check the network and the registry address, then try again.',
        ),
      ),
    );
    req.on('error', (err) => finish(err));
    req.on('response', (r) => {
      res = r;
      // Deferred, so that when `consume` itself gave up on the body (too large, a wrong digest) and
      // destroyed it, its reason wins over the "closed" this causes.
      r.on('error', (err) => setImmediate(() => finish(err)));
      r.on('aborted', () =>
        setImmediate(() => finish(registryError('unavailable', c, 'the registry closed the connection mid-answer.'))),
      );
      consume(r).then(
        (v) => finish(undefined, v),
        (err: unknown) => finish(err),
      );
    });
    req.end(o.body);
  });
}

function pathOf(u: URL): string {
  return u.pathname.length > 80 ? `${u.pathname.slice(0, 77)}…` : u.pathname;
}

/** A socket or TLS error as the user would say it. */
function networkError(err: unknown, o: ExchangeOptions): RuntimeError {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  const c = o.culprit;
  const host = o.url.host;
  if (code.startsWith('HPE_'))
    return registryError(
      'internal',
      c,
      `${host} sent an answer that is not valid HTTP.`,
      'Check the registry address.',
      err,
    );
  switch (code) {
    case 'ECONNREFUSED':
      return registryError(
        'unavailable',
        c,
        `${host} refused the connection.`,
        'Check that the registry runs and the address (host:port) is right.',
        err,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return registryError(
        'unavailable',
        c,
        `the host ${o.url.hostname} is not known.`,
        'Check the name and the network.',
        err,
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return registryError('unavailable', c, `${host} cannot be reached.`, 'Check the network (and any proxy).', err);
    case 'ECONNRESET':
    case 'EPIPE':
      return registryError('unavailable', c, `${host} closed the connection.`, 'Try again; check the address.', err);
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return registryError(
        'unavailable',
        c,
        `${host} does not speak TLS here.`,
        'If it is a plain-http registry you trust, list it as an insecure host.',
        err,
      );
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code))
    return registryError(
      'permission',
      c,
      `${host} presented a certificate that could not be verified (${code}).`,
      "Install the registry's CA certificate, or list the host as insecure only if you trust it.",
      err,
    );
  return registryError('internal', c, `talking to ${host} failed (${code || String(err)}).`, undefined, err);
}

/**
 * Reads the body into memory, refusing more than maxBytes (by Content-Length up front, and by the
 * bytes that actually came).
 */
export function readBody(res: IncomingMessage, maxBytes: number, c: Culprit, what: string): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const tooLarge = () =>
      registryError('invalidArgument', c, `${what} is larger than ${formatBytes(maxBytes)}; refused.`);
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(tooLarge());
      return void res.destroy();
    }
    const chunks: Buffer[] = [];
    let total = 0;
    res.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        reject(tooLarge());
        return void res.destroy();
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks, total)));
    res.on('error', reject);
  });
}

/** Drops a body we do not need (a redirect's, a 401's), reading at most a few KB of it. */
export function drain(res: IncomingMessage): Promise<void> {
  return new Promise<void>((resolve) => {
    let total = 0;
    res.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > 64 * 1024) {
        res.destroy();
        resolve();
      }
    });
    res.on('end', () => resolve());
    res.on('close', () => resolve());
    res.on('error', () => resolve());
  });
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

/**
 * A client for one registry speaking the Distribution v2 API (OCI distribution-spec): manifests,
 * blobs (verified against their sha256 while streaming), tags and the catalog (paged by `Link`).
 * It asks anonymously first; on a 401 it follows the `WWW-Authenticate` challenge (a Bearer token
 * from the realm, with the user's credentials if any, or Basic) and retries once. Redirects are
 * followed up to a limit, and Authorization is never sent to another host than the registry (blob
 * storage such as S3 signs its own URLs). Every request is bounded in time, idleness and size.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RuntimeError } from '../runtime/errors';
import { parseChallenge, type Challenge } from './challenge';
import type { CredentialLookup, CredentialSource } from './credentials';
import { outsideText, registryError, type Culprit } from './errors';
import { drain, exchange, formatBytes, readBody, usesPlainHttp } from './http';
import { MEDIA_TYPES, type FetchProgress, type OciDescriptor, type OciIndex, type OciManifest } from './types';

export interface RegistryClientOptions {
  /** Asked once, when the registry first wants credentials; anonymous when absent. */
  credentials?: CredentialSource;
  /** host[:port] (or host) spoken to in plain http besides loopback. */
  insecureHosts?: readonly string[];
  /** Deadline of one request other than a blob download (default 60 s). */
  timeoutMs?: number;
  /** Deadline of one blob download (default 10 min). */
  blobTimeoutMs?: number;
  /** No byte for this long ends a request (default 20 s). */
  idleTimeoutMs?: number;
  /** Redirects followed per request (default 5). */
  maxRedirects?: number;
  /** Manifests larger than this are refused (default 4 MiB). */
  maxManifestBytes?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Named in every error, e.g. `Feature "ghcr.io/x/y:1"`. */
  label?: string;
}

export interface ManifestResult {
  /** sha256 of the bytes as served: what pins this manifest. */
  digest: string;
  mediaType: string;
  bytes: Buffer;
  /** Exactly one of manifest / index is set. */
  manifest?: OciManifest;
  index?: OciIndex;
}

export interface BlobOptions extends CallOptions {
  /** Refuse blobs larger than this (Features: 100 MiB). */
  maxBytes: number;
  onProgress?: (p: FetchProgress) => void;
}

export interface ListOptions extends CallOptions {
  /** Stop after this many names (default 10 000). */
  maxCount?: number;
  /** Names asked per page (`n`, default 1000). */
  pageSize?: number;
}

const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.dockerList,
].join(', ');
const MAX_ERROR_BODY = 64 * 1024;
const MAX_TOKEN_BODY = 1024 * 1024;
const MAX_LIST_BODY = 4 * 1024 * 1024;
const MAX_PAGES = 100;
const REPOSITORY = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const REGISTRY =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

type Outcome<T> = { ok: T } | { redirect: string } | { challenge: string | string[] | undefined };

interface SendRequest {
  method: 'GET' | 'HEAD';
  path: string;
  accept?: string;
  scope: string;
  culprit: Culprit;
  signal?: AbortSignal;
  timeoutMs: number;
  /** The message for a 404, from the registry's error code (MANIFEST_UNKNOWN, NAME_UNKNOWN, …). */
  notFound: (code: string | undefined) => string;
}

export class RegistryClient {
  /** The registry as named (credentials are looked up under it). */
  readonly registry: string;
  private readonly base: URL;
  private readonly o: Required<Omit<RegistryClientOptions, 'credentials'>> & Pick<RegistryClientOptions, 'credentials'>;
  private readonly tokens = new Map<string, string>();
  private basic?: string;
  private lookup?: Promise<CredentialLookup>;

  constructor(registry: string, o: RegistryClientOptions = {}) {
    const name = registry.toLowerCase();
    if (!REGISTRY.test(name) || name.length > 255)
      throw new RuntimeError('invalidArgument', `"${outsideText(registry)}" is not a registry host[:port].`);
    this.registry = name;
    const host = name === 'docker.io' || name === 'index.docker.io' ? 'registry-1.docker.io' : name;
    this.o = {
      insecureHosts: o.insecureHosts ?? [],
      timeoutMs: o.timeoutMs ?? 60_000,
      blobTimeoutMs: o.blobTimeoutMs ?? 600_000,
      idleTimeoutMs: o.idleTimeoutMs ?? 20_000,
      maxRedirects: o.maxRedirects ?? 5,
      maxManifestBytes: o.maxManifestBytes ?? 4 * 1024 * 1024,
      credentials: o.credentials,
    };
    this.base = new URL(`${usesPlainHttp(host, this.o.insecureHosts) ? 'http' : 'https'}://${host}/`);
  }

  /** The request for a manifest by tag or digest, GET or HEAD, and what its 404 says. */
  private manifestRequest(
    method: 'GET' | 'HEAD',
    repository: string,
    reference: string,
    culprit: Culprit,
    o: CallOptions,
  ): SendRequest {
    return {
      method,
      path: `/v2/${repository}/manifests/${reference}`,
      accept: MANIFEST_ACCEPT,
      scope: `repository:${repository}:pull`,
      culprit,
      signal: o.signal,
      timeoutMs: this.o.timeoutMs,
      notFound: (code) =>
        code === 'NAME_UNKNOWN'
          ? 'no such repository.'
          : reference.includes(':')
            ? `no manifest with digest ${reference}.`
            : `no such tag "${reference}".`,
    };
  }

  /** GET a manifest by tag or digest; a digest reference is checked against the bytes served. */
  async getManifest(repository: string, reference: string, o: CallOptions = {}): Promise<ManifestResult> {
    const c = this.culprit(repository, o.label);
    checkRepository(repository, c);
    const byDigest = reference.includes(':');
    if (byDigest ? !DIGEST.test(reference) : !TAG.test(reference))
      throw registryError('invalidArgument', c, `"${outsideText(reference)}" is not a tag or a sha256 digest.`);
    const { bytes, contentType, served } = await this.send(
      this.manifestRequest('GET', repository, reference, c, o),
      async (res) => ({
        bytes: await readBody(res, this.o.maxManifestBytes, c, 'the manifest'),
        contentType: headerText(res, 'content-type'),
        served: headerText(res, 'docker-content-digest'),
      }),
    );
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (byDigest && digest !== reference)
      throw registryError(
        'internal',
        c,
        `the manifest served for ${reference} has digest ${digest} (digest mismatch).`,
        'The registry or a proxy served other content; try again, or report it to the registry owner.',
      );
    if (served && DIGEST.test(served) && served !== digest)
      throw registryError(
        'internal',
        c,
        `the manifest's digest ${digest} is not the ${served} the registry announced (digest mismatch).`,
        'Try again; a proxy may have changed the answer.',
      );
    return { digest, ...parseManifest(bytes, contentType, c) };
  }

  /** HEAD of a manifest: its digest, type and size as the registry announces them (nothing verified). */
  async headManifest(
    repository: string,
    reference: string,
    o: CallOptions = {},
  ): Promise<{ digest?: string; mediaType?: string; size?: number }> {
    const c = this.culprit(repository, o.label);
    checkRepository(repository, c);
    if (!TAG.test(reference) && !DIGEST.test(reference))
      throw registryError('invalidArgument', c, `"${outsideText(reference)}" is not a tag or a sha256 digest.`);
    return this.send(this.manifestRequest('HEAD', repository, reference, c, o), async (res) => {
      await drain(res);
      const size = Number(res.headers['content-length']);
      return {
        digest: headerText(res, 'docker-content-digest'),
        mediaType: headerText(res, 'content-type')?.split(';')[0].trim(),
        size: Number.isSafeInteger(size) ? size : undefined,
      };
    });
  }

  /**
   * Streams a blob into `destPath`, hashing as it goes; refuses more than `maxBytes` (or than the
   * descriptor's size) as soon as it is exceeded, and removes the file on any failure.
   */
  async downloadBlob(
    repository: string,
    blob: Pick<OciDescriptor, 'digest'> & { size?: number },
    destPath: string,
    o: BlobOptions,
  ): Promise<{ bytes: number }> {
    const c = this.culprit(repository, o.label);
    checkRepository(repository, c);
    if (!DIGEST.test(blob.digest))
      throw registryError('invalidArgument', c, `"${outsideText(blob.digest)}" is not a sha256 digest.`);
    const limit = Math.min(o.maxBytes, blob.size ?? Infinity);
    if (blob.size !== undefined && blob.size > o.maxBytes)
      throw registryError(
        'invalidArgument',
        c,
        `the blob ${blob.digest} is ${formatBytes(blob.size)}, more than the ${formatBytes(o.maxBytes)} allowed.`,
      );
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      await this.send(
        {
          method: 'GET',
          path: `/v2/${repository}/blobs/${blob.digest}`,
          scope: `repository:${repository}:pull`,
          culprit: c,
          signal: o.signal,
          timeoutMs: this.o.blobTimeoutMs,
          notFound: () => `no such blob ${blob.digest}.`,
        },
        async (res) => {
          const declared = Number(res.headers['content-length']);
          if (Number.isFinite(declared) && declared > limit) throw this.tooLarge(c, blob.digest, limit);
          const total = blob.size ?? (Number.isFinite(declared) ? declared : undefined);
          let lastReport = 0;
          const meter = new Transform({
            transform: (chunk: Buffer, _enc, cb) => {
              bytes += chunk.length;
              if (bytes > limit) return cb(this.tooLarge(c, blob.digest, limit));
              hash.update(chunk);
              if (o.onProgress && (bytes - lastReport >= 256 * 1024 || bytes === total)) {
                lastReport = bytes;
                o.onProgress({ message: `downloading ${blob.digest.slice(7, 19)}`, bytes, total });
              }
              cb(null, chunk);
            },
          });
          await pipeline(res, meter, createWriteStream(destPath));
        },
      );
      const got = `sha256:${hash.digest('hex')}`;
      if (blob.size !== undefined && bytes !== blob.size)
        throw registryError(
          'internal',
          c,
          `the blob ${blob.digest} ended after ${bytes} of ${blob.size} bytes.`,
          'Try again; the connection or the registry cut it short.',
        );
      if (got !== blob.digest)
        throw registryError(
          'internal',
          c,
          `the blob served as ${blob.digest} has digest ${got} (digest mismatch).`,
          'The registry or a proxy served other content; try again, or report it to the registry owner.',
        );
      return { bytes };
    } catch (err) {
      await rm(destPath, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  /** The repository's tags (`/v2/<name>/tags/list`, every page up to maxCount). */
  listTags(repository: string, o: ListOptions = {}): Promise<string[]> {
    const c = this.culprit(repository, o.label);
    checkRepository(repository, c);
    return this.paged(`/v2/${repository}/tags/list`, 'tags', `repository:${repository}:pull`, c, TAG, o);
  }

  /** The registry's repositories (`/v2/_catalog`, every page up to maxCount). */
  catalog(o: ListOptions = {}): Promise<string[]> {
    return this.paged(
      '/v2/_catalog',
      'repositories',
      'registry:catalog:*',
      this.culprit(undefined, o.label),
      REPOSITORY,
      o,
    );
  }

  private async paged(
    path: string,
    key: 'tags' | 'repositories',
    scope: string,
    c: Culprit,
    valid: RegExp,
    o: ListOptions,
  ): Promise<string[]> {
    const maxCount = o.maxCount ?? 10_000;
    const out: string[] = [];
    let next: string | undefined = `${path}?n=${o.pageSize ?? 1000}`;
    for (let page = 0; next && page < MAX_PAGES && out.length < maxCount; page++) {
      const { body, link } = await this.send(
        {
          method: 'GET',
          path: next,
          scope,
          culprit: c,
          signal: o.signal,
          timeoutMs: this.o.timeoutMs,
          notFound: (code) =>
            key === 'tags' || code === 'NAME_UNKNOWN' ? 'no such repository.' : 'the registry has no catalog.',
        },
        async (res) => ({
          body: await readBody(res, MAX_LIST_BODY, c, 'the list'),
          link: headerText(res, 'link'),
        }),
      );
      const j = parseJson(body, c, key === 'tags' ? 'tag list' : 'catalog');
      const list = isObject(j) ? j[key] : undefined;
      if (list !== null && list !== undefined && !Array.isArray(list))
        throw registryError('internal', c, `the registry's ${key} answer is not a list (garbage JSON).`);
      for (const name of list ?? []) {
        if (typeof name === 'string' && valid.test(name) && out.length < maxCount) out.push(name);
      }
      next = nextPage(link, this.base, c);
    }
    return out;
  }

  private culprit(repository: string | undefined, label: string | undefined): Culprit {
    return { registry: this.registry, repository, label };
  }

  private tooLarge(c: Culprit, digest: string, limit: number): RuntimeError {
    return registryError('invalidArgument', c, `the blob ${digest} is larger than ${formatBytes(limit)}; refused.`);
  }

  /** One request with its redirects and at most one round of sign-in. */
  private async send<T>(r: SendRequest, onOk: (res: IncomingMessage) => Promise<T>): Promise<T> {
    let url = new URL(r.path, this.base);
    let redirects = 0;
    let signedIn = false;
    let authorization = this.tokens.get(r.scope) ?? this.basic;
    for (;;) {
      const toRegistry = url.origin === this.base.origin;
      if (url.protocol === 'http:' && !usesPlainHttp(url.host, this.o.insecureHosts))
        throw registryError(
          'permission',
          r.culprit,
          `the registry sent us to plain http at ${outsideText(url.host)}; refused.`,
          'List that host as insecure only if you trust the network to it.',
        );
      const headers: Record<string, string> = {};
      if (r.accept) headers.accept = r.accept;
      if (authorization && toRegistry) headers.authorization = authorization;
      const outcome: Outcome<T> = await exchange(
        {
          method: r.method,
          url,
          headers,
          signal: r.signal,
          timeoutMs: r.timeoutMs,
          idleTimeoutMs: this.o.idleTimeoutMs,
          culprit: r.culprit,
        },
        async (res): Promise<Outcome<T>> => {
          const s = res.statusCode ?? 0;
          if (s >= 200 && s < 300) return { ok: await onOk(res) };
          if ([301, 302, 303, 307, 308].includes(s) && res.headers.location) {
            await drain(res);
            return { redirect: res.headers.location };
          }
          if (s === 401 && toRegistry) {
            await drain(res);
            return { challenge: res.headers['www-authenticate'] };
          }
          const body =
            r.method === 'HEAD' ? Buffer.alloc(0) : await readBody(res, MAX_ERROR_BODY, r.culprit, 'the error');
          throw await this.statusError(s, body, r, toRegistry);
        },
      );
      if ('ok' in outcome) return outcome.ok;
      if ('redirect' in outcome) {
        if (++redirects > this.o.maxRedirects)
          throw registryError(
            'internal',
            r.culprit,
            `the registry redirected more than ${this.o.maxRedirects} times.`,
            'The registry or a proxy in front of it loops; report it to its owner.',
          );
        url = redirectTarget(outcome.redirect, url, r.culprit);
        continue;
      }
      if (signedIn) throw await this.signInError(r.culprit, true, r.signal);
      signedIn = true;
      authorization = await this.authorize(parseChallenge(outcome.challenge), r, url);
      if (!authorization) throw await this.signInError(r.culprit, false, r.signal);
    }
  }

  private credentials(signal?: AbortSignal): Promise<CredentialLookup> {
    this.lookup ??= this.o.credentials
      ? this.o.credentials(this.registry, signal).catch(() => ({ source: 'none', notes: [] }))
      : Promise.resolve({ source: 'none', notes: [] });
    return this.lookup;
  }

  /** The Authorization header a challenge asks for, or undefined when we have nothing to give. */
  private async authorize(ch: Challenge, r: SendRequest, url: URL): Promise<string | undefined> {
    const { credential } = await this.credentials(r.signal);
    if (ch.scheme === 'basic') {
      if (!credential?.username || credential.password === undefined) return undefined;
      this.basic = basicHeader(credential.username, credential.password);
      return this.basic;
    }
    if (ch.scheme === 'unknown')
      throw registryError(
        'permission',
        r.culprit,
        `the registry asks for a sign-in we do not speak ("${outsideText(ch.raw, 80)}").`,
        'Use a registry that offers Bearer or Basic authentication.',
      );
    const token = await this.fetchToken(ch, r, url);
    this.tokens.set(r.scope, `Bearer ${token}`);
    return `Bearer ${token}`;
  }

  /** A Bearer token from the challenge's realm: anonymous, with Basic credentials, or by refresh token. */
  private async fetchToken(ch: Extract<Challenge, { scheme: 'bearer' }>, r: SendRequest, from: URL): Promise<string> {
    const c = r.culprit;
    let realm: URL;
    try {
      realm = new URL(ch.realm);
    } catch {
      throw registryError('internal', c, `the registry's token realm "${outsideText(ch.realm, 80)}" is not a URL.`);
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && usesPlainHttp(realm.host, this.o.insecureHosts)))
      throw registryError(
        'permission',
        c,
        `the registry's token service ${outsideText(realm.href, 80)} is not https; refused.`,
        'List that host as insecure only if you trust the network to it.',
      );
    const scope = ch.scope ?? r.scope;
    const { credential } = await this.credentials(r.signal);
    const headers: Record<string, string> = {};
    let method: 'GET' | 'POST' = 'GET';
    let body: string | undefined;
    if (credential?.identityToken) {
      method = 'POST';
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credential.identityToken,
        service: ch.service ?? from.host,
        scope,
        client_id: 'container-workspaces',
      }).toString();
    } else {
      if (ch.service) realm.searchParams.set('service', ch.service);
      realm.searchParams.set('scope', scope);
      if (credential?.username && credential.password !== undefined)
        headers.authorization = basicHeader(credential.username, credential.password);
    }
    const answer = await exchange(
      {
        method,
        url: realm,
        headers,
        body,
        signal: r.signal,
        timeoutMs: this.o.timeoutMs,
        idleTimeoutMs: this.o.idleTimeoutMs,
        culprit: c,
      },
      async (res) => {
        const s = res.statusCode ?? 0;
        if (s === 401 || s === 403) {
          await drain(res);
          throw await this.signInError(c, true, r.signal);
        }
        const bytes = await readBody(res, MAX_TOKEN_BODY, c, "the token service's answer");
        if (s < 200 || s >= 300)
          throw registryError('unavailable', c, `the token service ${outsideText(realm.host)} answered ${s}.`);
        return bytes;
      },
    );
    const j = parseJson(answer, c, 'token');
    const token = isObject(j) ? (j.token ?? j.access_token) : undefined;
    if (typeof token !== 'string' || token === '' || token.length > 64 * 1024 || !/^[\x21-\x7e]+$/.test(token))
      throw registryError('internal', c, "the token service's answer holds no usable token (garbage JSON).");
    return token;
  }

  private async signInError(c: Culprit, rejected: boolean, signal?: AbortSignal): Promise<RuntimeError> {
    const { credential, source, notes } = await this.credentials(signal);
    const login = `docker login ${this.registry}`;
    const noteText = notes.length ? ` (${notes.join(' ')})` : '';
    if (rejected && credential) {
      const who =
        credential.username && credential.username !== '<token>'
          ? `"${outsideText(credential.username, 80)}"`
          : 'the token';
      return registryError(
        'permission',
        c,
        `sign in: the registry rejected the credentials of ${who} (from ${outsideText(source, 200)}).`,
        `Run \`${login}\` again with the right password or token.`,
      );
    }
    return registryError(
      'permission',
      c,
      rejected
        ? 'sign in: the registry refused anonymous access.'
        : 'sign in: the registry asks for credentials and none are configured for it.',
      `Run \`${login}\` (credentials go to Docker's config.json or its credential helper), then try again${noteText}.`,
    );
  }

  private async statusError(s: number, body: Buffer, r: SendRequest, toRegistry: boolean): Promise<RuntimeError> {
    const c = r.culprit;
    const { code, message } = registryErrorBody(body);
    const said = message ? ` ("${message}")` : code ? ` (${code})` : '';
    if (s === 404) return registryError('notFound', c, r.notFound(code), 'Check the name and the tag or digest.');
    if (s === 401) return this.signInError(c, true, r.signal);
    if (s === 403)
      return registryError(
        'permission',
        c,
        `access denied (403)${said}.`,
        toRegistry ? `Sign in with an account that may read it (\`docker login ${this.registry}\`).` : undefined,
      );
    if (s === 429)
      return registryError(
        'unavailable',
        c,
        `the registry limits requests (429)${said}.`,
        'Wait a while, or sign in for a higher limit.',
      );
    if (s >= 500) return registryError('unavailable', c, `the registry answered ${s}${said}.`, 'Try again later.');
    return registryError('internal', c, `the registry answered ${s}${said}.`);
  }
}

function basicHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function checkRepository(repository: string, c: Culprit): void {
  if (repository.length > 255 || !REPOSITORY.test(repository))
    throw registryError('invalidArgument', c, `"${outsideText(repository)}" is not a repository name.`);
}

function headerText(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s.slice(0, 4096) : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(bytes: Buffer, c: Culprit, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw registryError(
      'internal',
      c,
      `the registry's ${what} is not JSON (garbage JSON).`,
      'Check that the address is an OCI registry and not another service.',
    );
  }
}

/** The first `{errors: [{code, message}]}` entry of a registry's error answer, shortened. */
function registryErrorBody(body: Buffer): { code?: string; message?: string } {
  try {
    const j = JSON.parse(body.toString('utf8')) as unknown;
    const first = isObject(j) && Array.isArray(j.errors) ? (j.errors[0] as unknown) : undefined;
    if (!isObject(first)) return {};
    return {
      code: typeof first.code === 'string' ? outsideText(first.code, 40) : undefined,
      message: typeof first.message === 'string' ? outsideText(first.message, 160) : undefined,
    };
  } catch {
    return {};
  }
}

function redirectTarget(location: string, from: URL, c: Culprit): URL {
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    throw registryError(
      'internal',
      c,
      `the registry redirected to "${outsideText(location, 80)}", which is not a URL.`,
    );
  }
  if (to.protocol !== 'https:' && to.protocol !== 'http:')
    throw registryError(
      'internal',
      c,
      `the registry redirected to a ${outsideText(to.protocol, 20)} address; refused.`,
    );
  return to;
}

/** `Link: </v2/_catalog?last=x&n=100>; rel="next"` → that path, only on the registry itself. */
function nextPage(link: string | undefined, base: URL, c: Culprit): string | undefined {
  if (!link) return undefined;
  const m = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(link);
  if (!m) return undefined;
  let u: URL;
  try {
    u = new URL(m[1], base);
  } catch {
    throw registryError('internal', c, 'the registry sent a next-page link that is not a URL.');
  }
  if (u.origin !== base.origin)
    throw registryError('internal', c, 'the registry sent a next-page link to another host; refused.');
  return `${u.pathname}${u.search}`;
}

/** The shape a manifest must have before anyone reads its fields. */
function parseManifest(bytes: Buffer, contentType: string | undefined, c: Culprit): Omit<ManifestResult, 'digest'> {
  const j = parseJson(bytes, c, 'manifest');
  const bad = (why: string) => registryError('internal', c, `the manifest is not valid (${why}).`);
  if (!isObject(j)) throw bad('not a JSON object');
  const mediaType =
    (typeof j.mediaType === 'string' ? j.mediaType : undefined) ?? contentType?.split(';')[0].trim() ?? '';
  if (j.schemaVersion !== 2) throw bad(`schemaVersion ${outsideText(String(j.schemaVersion), 20)}, expected 2`);
  const annotations = stringMap(j.annotations);
  if (Array.isArray(j.manifests)) {
    const manifests = j.manifests.map((d, i) => ({
      ...descriptor(d, `manifests[${i}]`, bad),
      platform: platformOf(d),
    }));
    return { mediaType, bytes, index: { schemaVersion: 2, mediaType, manifests, annotations } };
  }
  if (!Array.isArray(j.layers)) throw bad('no "layers" list');
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType,
    artifactType: typeof j.artifactType === 'string' ? j.artifactType : undefined,
    config: descriptor(j.config, 'config', bad),
    layers: j.layers.map((d, i) => descriptor(d, `layers[${i}]`, bad)),
    annotations,
  };
  return { mediaType, bytes, manifest };
}

function descriptor(d: unknown, where: string, bad: (why: string) => RuntimeError): OciDescriptor {
  if (!isObject(d)) throw bad(`${where} is not an object`);
  if (typeof d.mediaType !== 'string') throw bad(`${where} has no mediaType`);
  if (typeof d.digest !== 'string' || !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]{1,256}$/.test(d.digest))
    throw bad(`${where} has no valid digest`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0)
    throw bad(`${where} has no valid size`);
  return {
    mediaType: outsideText(d.mediaType, 200),
    digest: d.digest,
    size: d.size,
    annotations: stringMap(d.annotations),
    artifactType: typeof d.artifactType === 'string' ? d.artifactType : undefined,
  };
}

function platformOf(d: unknown): OciIndex['manifests'][number]['platform'] {
  const p = isObject(d) && isObject(d.platform) ? d.platform : undefined;
  if (!p) return undefined;
  const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { os: s(p.os), architecture: s(p.architecture), variant: s(p.variant) };
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

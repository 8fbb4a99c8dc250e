/**
 * Fetching a dev container Feature's files (devcontainer-features-distribution.md): from an OCI
 * registry (manifest → the `application/vnd.devcontainers.layer.v1+tar` layer → a download verified
 * against its digest → extraction), or from an https tarball URL. The download lands in a private
 * temporary folder first and is extracted only once verified; `destDir` is left empty-or-absent on
 * failure. Every error names the Feature (the caller's `label`).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RuntimeError } from '../runtime/errors';
import { RegistryClient, type RegistryClientOptions } from './client';
import { dockerCredentialSource, type CredentialSource } from './credentials';
import { describeCulprit, outsideText, registryError, type Culprit } from './errors';
import { drain, exchange, formatBytes, usesPlainHttp } from './http';
import { extractTarFile, type ExtractLimits } from './tar';
import { MEDIA_TYPES, type FetchProgress, type OciDescriptor, type OciRef } from './types';

/** Features are small; a layer beyond this is refused before a byte is downloaded. */
export const MAX_FEATURE_BYTES = 100 * 1024 * 1024;

export interface FetchFeatureOptions {
  /** Named in every message and error, e.g. `Feature "ghcr.io/devcontainers/features/node:1"`. */
  label?: string;
  onProgress?: (p: FetchProgress) => void;
  signal?: AbortSignal;
  /** Default: the user's Docker credentials (config.json, credential helpers). */
  credentials?: CredentialSource;
  /** Client settings (insecure hosts, time-outs); `credentials` above wins. */
  client?: Omit<RegistryClientOptions, 'credentials'>;
  /** Default MAX_FEATURE_BYTES. */
  maxBytes?: number;
  extract?: Omit<ExtractLimits, 'signal'>;
}

export interface FetchedFeature {
  /** OCI: the manifest's digest (what pins it, for caching); tarball: sha256 of the tarball. */
  digest: string;
  /** The manifest's annotations (`dev.containers.metadata` holds the Feature's metadata), if any. */
  annotations?: Record<string, string>;
  bytes: number;
}

export async function fetchOciFeature(
  ref: OciRef,
  destDir: string,
  o: FetchFeatureOptions = {},
): Promise<FetchedFeature> {
  const label =
    o.label ??
    `Feature "${ref.registry}/${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`}"`;
  const c: Culprit = { registry: ref.registry, repository: ref.repository, label };
  const client = new RegistryClient(ref.registry, {
    ...o.client,
    credentials: o.credentials ?? dockerCredentialSource(),
  });
  const call = { signal: o.signal, label };
  o.onProgress?.({ message: `${label}: fetching the manifest` });
  const m = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest', call);
  if (!m.manifest)
    throw registryError(
      'invalidArgument',
      c,
      'is an image index (a list of manifests), not a Feature.',
      'Check the reference: a Feature is published as one manifest with one layer.',
    );
  const layer = featureLayer(m.manifest.layers, c);
  const maxBytes = o.maxBytes ?? MAX_FEATURE_BYTES;
  if (layer.size > maxBytes)
    throw registryError(
      'invalidArgument',
      c,
      `its layer is ${formatBytes(layer.size)}, more than the ${formatBytes(maxBytes)} allowed.`,
    );
  return withTemp(destDir, async (tmp) => {
    const file = join(tmp, 'feature.tar');
    const { bytes } = await client.downloadBlob(ref.repository, layer, file, {
      ...call,
      maxBytes,
      onProgress: (p) => o.onProgress?.({ ...p, message: `${label}: downloading` }),
    });
    o.onProgress?.({ message: `${label}: extracting`, bytes, total: bytes });
    await extractOrExplain(file, destDir, c, o);
    return { digest: m.digest, annotations: m.manifest?.annotations, bytes };
  });
}

/** The spec's layer; a manifest without exactly one names what it has instead. */
function featureLayer(layers: OciDescriptor[], c: Culprit): OciDescriptor {
  const matching = layers.filter((l) => l.mediaType === MEDIA_TYPES.featureLayer);
  if (matching.length === 1) return matching[0];
  const have =
    layers
      .map((l) => l.mediaType)
      .slice(0, 5)
      .join(', ') || 'no layers';
  throw registryError(
    'invalidArgument',
    c,
    matching.length === 0
      ? `is not a dev container Feature: no layer of type ${MEDIA_TYPES.featureLayer} (it has ${have}).`
      : `has ${matching.length} layers of type ${MEDIA_TYPES.featureLayer}; a Feature has one.`,
    'Check the reference, or republish the Feature with `devcontainer features publish`.',
  );
}

export interface TarballFeatureOptions extends FetchFeatureOptions {
  /** Defaults as the registry client's: 10 min, 20 s idle, 5 redirects. */
  timeoutMs?: number;
  idleTimeoutMs?: number;
  maxRedirects?: number;
  /** Hosts besides loopback that may be fetched in plain http. */
  insecureHosts?: readonly string[];
}

/**
 * A Feature given as a URL to its tarball (`https://…/devcontainer-feature-<id>.tgz`): no credentials
 * are sent; redirects are followed (never down to plain http); the sha256 of what came is returned.
 */
export async function fetchTarballFeature(
  url: string,
  destDir: string,
  o: TarballFeatureOptions = {},
): Promise<FetchedFeature> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RuntimeError('invalidArgument', `${o.label ?? 'Feature'}: "${outsideText(url, 120)}" is not a URL.`);
  }
  const label = o.label ?? `Feature "${outsideText(url, 160)}"`;
  const c: Culprit = { registry: u.host, label };
  const maxBytes = o.maxBytes ?? MAX_FEATURE_BYTES;
  const maxRedirects = o.maxRedirects ?? 5;
  return withTemp(destDir, async (tmp) => {
    const file = join(tmp, 'feature.tgz');
    const hash = createHash('sha256');
    let bytes = 0;
    o.onProgress?.({ message: `${label}: downloading` });
    for (let redirects = 0; ; redirects++) {
      if (!(u.protocol === 'https:' || (u.protocol === 'http:' && usesPlainHttp(u.host, o.insecureHosts))))
        throw registryError(
          'permission',
          c,
          `${outsideText(u.protocol + '//' + u.host, 120)} is not https; refused.`,
          'Use an https URL.',
        );
      const next = await exchange(
        {
          method: 'GET',
          url: u,
          signal: o.signal,
          timeoutMs: o.timeoutMs ?? 600_000,
          idleTimeoutMs: o.idleTimeoutMs ?? 20_000,
          culprit: c,
        },
        async (res): Promise<URL | undefined> => {
          const s = res.statusCode ?? 0;
          if ([301, 302, 303, 307, 308].includes(s) && res.headers.location) {
            await drain(res);
            try {
              return new URL(res.headers.location, u);
            } catch {
              throw registryError('internal', c, 'the server redirected to something that is not a URL.');
            }
          }
          if (s === 404) throw registryError('notFound', c, 'no such file on the server (404).', 'Check the URL.');
          if (s === 401 || s === 403)
            throw registryError(
              'permission',
              c,
              `the server refused access (${s}).`,
              'Tarball Features must be downloadable without signing in.',
            );
          if (s < 200 || s >= 300)
            throw registryError('unavailable', c, `the server answered ${s}.`, 'Try again later.');
          const declared = Number(res.headers['content-length']);
          const tooLarge = () =>
            registryError('invalidArgument', c, `the tarball is larger than ${formatBytes(maxBytes)}; refused.`);
          if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
          let reported = 0;
          const meter = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              bytes += chunk.length;
              if (bytes > maxBytes) return cb(tooLarge());
              hash.update(chunk);
              // At most one report per 256 KB: a progress bar, not an event per packet.
              if (bytes - reported >= 256 * 1024 || bytes === declared) {
                reported = bytes;
                o.onProgress?.({
                  message: `${label}: downloading`,
                  bytes,
                  total: Number.isFinite(declared) ? declared : undefined,
                });
              }
              cb(null, chunk);
            },
          });
          await pipeline(res, meter, createWriteStream(file));
          return undefined;
        },
      );
      if (!next) break;
      if (redirects + 1 > maxRedirects)
        throw registryError('internal', c, `the server redirected more than ${maxRedirects} times.`, 'Check the URL.');
      u = next;
    }
    o.onProgress?.({ message: `${label}: extracting`, bytes, total: bytes });
    await extractOrExplain(file, destDir, c, o);
    return { digest: `sha256:${hash.digest('hex')}`, bytes };
  });
}

async function extractOrExplain(file: string, destDir: string, c: Culprit, o: FetchFeatureOptions): Promise<void> {
  try {
    await extractTarFile(file, destDir, { ...o.extract, signal: o.signal });
  } catch (err) {
    if (err instanceof RuntimeError && err.code !== 'cancelled')
      throw new RuntimeError(
        err.code,
        `${describeCulprit(c)}: ${err.message}`,
        err.hint ?? 'The Feature is damaged or hostile; report it to its publisher.',
        { cause: err },
      );
    throw err;
  }
}

/**
 * Runs `fn` with a private temporary folder, removed afterwards; on failure also removes what was
 * extracted into `destDir` (when it was empty or absent before), so nothing half-fetched is left.
 */
async function withTemp<T>(destDir: string, fn: (tmp: string) => Promise<T>): Promise<T> {
  const existing = await readdir(destDir).catch(() => undefined);
  if (existing && existing.length > 0)
    throw new RuntimeError(
      'invalidArgument',
      `The folder ${outsideText(destDir, 200)} to fetch a Feature into is not empty.`,
    );
  const tmp = await mkdtemp(join(tmpdir(), 'cws-feature-'));
  try {
    return await fn(tmp);
  } catch (err) {
    await rm(destDir, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}

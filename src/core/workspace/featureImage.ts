/**
 * A dev container's Features installed on its base image: each Feature fetched (local folder, OCI
 * artifact, tarball URL) with what it depends on, its metadata read, the install order computed,
 * and the layered image built by the runtime's own build — unless an image of the same content hash
 * is there already, in which case nothing is fetched again into the engine and nothing is built.
 * Every failure names the Feature; the scratch folder is removed whatever happens.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DevcontainerConfig } from '../detection/types';
import { featureError, quote } from '../features/errors';
import { readFeatureFolder } from '../features/folder';
import { FEATURE_LIMITS } from '../features/limits';
import {
  failedFeatureIndex,
  failedStepExitCode,
  planLayer,
  type LayerFeature,
  type LayerPlan,
} from '../features/layer';
import { mergeFeatures, type MergedFeatures } from '../features/merge';
import { parseFeatureMetadata, userOptionsOf } from '../features/metadata';
import { installOrder, type OrderedFeature } from '../features/order';
import { parseFeatureRef, type RefContext } from '../features/ref';
import type { FeatureRef, ResolvedFeature, UserOptions } from '../features/types';
import { dockerCredentialSource, type CredentialSource } from '../registry/credentials';
import { fetchOciFeature, fetchTarballFeature } from '../registry/feature';
import { RuntimeError } from '../runtime/errors';
import { LABELS } from '../runtime/labels';
import type { ContainerRuntime } from '../runtime/types';
import { checkSignal, step } from './cancel';
import type { WorkspaceProgress } from './types';

export interface FeatureImageOptions {
  onProgress?: (p: WorkspaceProgress) => void;
  signal?: AbortSignal;
  /** Registry credentials (default: the user's Docker credentials). */
  credentials?: CredentialSource;
  /** Registries spoken to in plain http besides loopback. */
  insecureHosts?: readonly string[];
  /** See CreateWorkspaceOptions.registryTimeoutMs. */
  registryTimeoutMs?: number;
  /** Where the default credentials are looked up (DOCKER_CONFIG, PATH for helpers); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The workspace folder (the image's label). */
  folder: string;
}

export interface FeatureImage {
  /** The image to create the container from: the layered one, or the base when there are no Features. */
  image: string;
  /** Whether it was built now (false: there already). */
  built: boolean;
  ordered: OrderedFeature[];
  merged: MergedFeatures;
  /** Soft problems (options that do not fit, an override naming no Feature). */
  warnings: string[];
  layer?: LayerPlan;
}

interface Fetched {
  feature: ResolvedFeature;
  folder: string;
  files: LayerFeature['files'];
}

/** The Feature's name as a user wrote it, for every message. */
const named = (ref: FeatureRef) => `Feature ${quote(ref.key)}`;

/** Wraps a failure so that it names the Feature (registry errors already do). */
function naming(ref: FeatureRef, err: unknown): RuntimeError {
  if (err instanceof RuntimeError && (err.code === 'cancelled' || err.message.includes(ref.key))) return err;
  const e = err instanceof RuntimeError ? err : undefined;
  return new RuntimeError(
    e?.code ?? 'internal',
    `${named(ref)}: ${e?.message ?? String((err as Error)?.message ?? err)}`,
    e?.hint ?? 'Check the reference and that the Feature is published.',
    { cause: err },
  );
}

/** Fetches one Feature into `dest` (a folder that does not exist yet) and reads it. */
async function fetchOne(ref: FeatureRef, user: UserOptions, dest: string, o: FeatureImageOptions): Promise<Fetched> {
  let folder: string;
  try {
    if (ref.kind === 'local') folder = ref.path;
    else {
      o.onProgress?.({ message: `Fetching ${named(ref)}…` });
      const common = {
        label: named(ref),
        signal: o.signal,
        credentials: o.credentials ?? dockerCredentialSource({ env: o.env ?? process.env }),
        onProgress: (p: { message: string }) => o.onProgress?.({ message: p.message }),
      };
      const timeouts = o.registryTimeoutMs
        ? { timeoutMs: o.registryTimeoutMs, idleTimeoutMs: Math.min(o.registryTimeoutMs, 20_000) }
        : {};
      if (ref.kind === 'oci')
        await fetchOciFeature(ref.oci, dest, {
          ...common,
          client: { insecureHosts: o.insecureHosts ?? [], ...timeouts },
        });
      else await fetchTarballFeature(ref.url, dest, { ...common, insecureHosts: o.insecureHosts ?? [], ...timeouts });
      folder = dest;
    }
    const files = await readFeatureFolder(folder);
    const json = files.find((f) => f.path === 'devcontainer-feature.json')!;
    const metadata = parseFeatureMetadata(Buffer.from(json.bytes).toString('utf8'), ref.key);
    return { feature: { ref, metadata, userOptions: user }, folder, files };
  } catch (err) {
    throw naming(ref, err);
  }
}

/** The user's Features and, fetched too, everything they depend on (breadth first, each once). */
async function fetchAll(dc: DevcontainerConfig, ctx: RefContext, scratch: string, o: FeatureImageOptions) {
  const out: Fetched[] = [];
  const queue: { key: string; options: UserOptions }[] = (dc.features ?? []).map((f) => ({
    key: f.id,
    options: userOptionsOf(f.options as never) ?? {},
  }));
  const seen = new Set<string>();
  while (queue.length) {
    checkSignal(o.signal);
    const next = queue.shift()!;
    const ref = parseFeatureRef(next.key, ctx);
    const identity = `${ref.canonical}\n${JSON.stringify(next.options)}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    if (out.length >= FEATURE_LIMITS.maxFeatures)
      throw featureError(
        `More than ${FEATURE_LIMITS.maxFeatures} Features are to be installed.`,
        'Remove Features from devcontainer.json or their dependsOn.',
      );
    const f = await fetchOne(ref, next.options, join(scratch, `f${out.length}`), o);
    out.push(f);
    for (const [key, raw] of Object.entries(f.feature.metadata.dependsOn)) queue.push({ key, options: raw });
  }
  return out;
}

/** Writes the layer's build context: our generated files and each Feature folder's files. */
async function writeContext(layer: LayerPlan, fetched: readonly Fetched[], dir: string): Promise<void> {
  const byFolder = new Map(fetched.map((f) => [f.folder, f.files]));
  for (const e of layer.context) {
    if (e.kind === 'file') {
      await mkdir(dirname(join(dir, e.to)), { recursive: true });
      await writeFile(join(dir, e.to), e.content, { mode: 0o644 });
    } else {
      // The files as read for the hash (not read again: what is built is what was hashed).
      for (const file of byFolder.get(e.from) ?? []) {
        const to = join(dir, e.to, file.path);
        await mkdir(dirname(to), { recursive: true });
        await writeFile(to, file.bytes, { mode: file.executable ? 0o755 : 0o644 });
      }
    }
  }
  await writeFile(join(dir, 'Dockerfile'), layer.dockerfile);
}

/**
 * The image with the config's Features installed on `baseImage`; `users` are the container and
 * remote users the Features are told about. Without Features: the base image, nothing done.
 */
export async function prepareFeatureImage(
  rt: ContainerRuntime,
  dc: DevcontainerConfig,
  baseImage: string,
  o: FeatureImageOptions,
): Promise<FeatureImage> {
  const configDir = dirname(dc.path);
  const ctx: RefContext = { configDir, boundaryDir: configDir };
  const own = {
    containerEnv: dc.containerEnv,
    capAdd: dc.capAdd,
    securityOpt: dc.securityOpt,
    privileged: dc.privileged,
    init: dc.init,
  };
  if (!dc.features?.length)
    return { image: baseImage, built: false, ordered: [], merged: mergeFeatures([], own), warnings: [] };
  const scratch = await mkdtemp(join(tmpdir(), 'cws-features-'));
  try {
    const fetched = await fetchAll(dc, ctx, scratch, o);
    const order = installOrder({
      features: fetched.map((f) => f.feature),
      overrideOrder: dc.overrideFeatureInstallOrder,
      refContext: ctx,
    });
    const imageUser =
      (await step(o.signal, () => rt.imageUser?.(baseImage, o.signal) ?? Promise.resolve(undefined))) || 'root';
    const containerUser = dc.containerUser || imageUser;
    // Apple's CLI does not say an image's USER: the layer ends as root unless the config names one.
    const userWarnings =
      !rt.imageUser && !dc.containerUser
        ? [
            `${rt.label} does not tell which user the image ${baseImage} runs as: with Features ` +
              'installed the container runs as root. Set "containerUser" in devcontainer.json if it should not.',
          ]
        : [];
    const layer = planLayer({
      baseImage,
      imageUser,
      users: { containerUser, ...(dc.remoteUser ? { remoteUser: dc.remoteUser } : {}) },
      features: order.order.map((feature) => {
        const src = fetched.find((x) => x.feature.ref === feature.ref)!;
        return { feature, folder: src.folder, files: src.files };
      }),
    });
    const merged = mergeFeatures(
      order.order.map((f) => f.metadata),
      own,
    );
    const names = order.order.map((f) => f.ref.key).join(', ');
    if (await step(o.signal, () => rt.imageExists(layer.tag, o.signal))) {
      o.onProgress?.({ message: `Features are installed already (${layer.tag}).`, increment: 20 });
      return {
        image: layer.tag,
        built: false,
        ordered: order.order,
        merged,
        warnings: [...order.warnings, ...userWarnings],
        layer,
      };
    }
    const context = join(scratch, 'context');
    await writeContext(layer, fetched, context);
    o.onProgress?.({ message: `Installing Features: ${names}…` });
    await step(o.signal, () =>
      rt.buildImage(
        {
          context,
          dockerfile: 'Dockerfile',
          tag: layer.tag,
          buildArgs: layer.buildArgs,
          labels: { [LABELS.workspace]: o.folder },
          signal: o.signal,
        },
        (p) => p.message && o.onProgress?.({ message: p.message }),
      ),
    ).catch((err: unknown) => {
      if (err instanceof RuntimeError && err.code === 'cancelled') throw err;
      const e = err instanceof RuntimeError ? err : undefined;
      const text = e?.message ?? String((err as Error)?.message ?? err);
      const culprit = order.order[failedFeatureIndex(text) ?? -1];
      if (culprit) {
        const code = failedStepExitCode(text);
        throw new RuntimeError(
          e?.code ?? 'internal',
          `${named(culprit.ref)} failed to install: its install.sh ${
            code === undefined ? 'failed' : `exited with code ${code}`
          }.`,
          "Its output is in the build log (the Container Workspaces output, or cws's stderr). " +
            "Check the Feature's options, or remove it from devcontainer.json.",
          { cause: err },
        );
      }
      throw new RuntimeError(
        e?.code ?? 'internal',
        `Installing the Features (${names}) failed: ${e?.message ?? String((err as Error)?.message ?? err)}`,
        'The build output above names the Feature whose install.sh failed; fix its options or remove it.',
        { cause: err },
      );
    });
    o.onProgress?.({ message: `Installed Features: ${names}.`, increment: 20 });
    return {
      image: layer.tag,
      built: true,
      ordered: order.order,
      merged,
      warnings: [...order.warnings, ...userWarnings],
      layer,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
  }
}

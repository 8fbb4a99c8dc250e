/** The image a workspace container runs: pulled when missing, or built from a Dockerfile. */
import { buildUnsupportedOnApple } from '../runtime/apple/appleRuntime';
import { buildUnsupportedOnPodman } from '../runtime/docker/dockerRuntime';
import { LABELS } from '../runtime/labels';
import type { BuildOptions, ContainerRuntime, ProgressEvent } from '../runtime/types';
import { step } from './cancel';
import type { ImagePlan } from './plan';
import type { WorkspaceProgress } from './types';

/** One line per engine message; a repeat of the line before is dropped (pull progress repeats a lot). */
function progressLines(onProgress?: (p: WorkspaceProgress) => void): (p: ProgressEvent) => void {
  let last = '';
  return (p) => {
    const pct = p.total ? ` ${Math.floor(((p.current ?? 0) / p.total) * 100)}%` : '';
    const line = `${p.id ? `${p.id}: ` : ''}${p.message}${pct}`.trim();
    if (!line || line === last) return;
    last = line;
    onProgress?.({ message: line });
  };
}

/** The config's words for a build option (in warnings). */
const OPTION_NAMES: Partial<Record<keyof BuildOptions, string>> = {
  pull: '--pull',
  network: '--network',
  platform: '--platform',
  extraHosts: '--add-host',
  shmSize: '--shm-size',
  cacheFrom: 'cacheFrom',
};

/** Why Podman does not honour an option as Docker does. */
const PODMAN_WHY: Partial<Record<keyof BuildOptions, string>> = {
  network: "its RUN steps use the host's network",
  cacheFrom: 'Podman reads it as a registry repository for its layer cache, not as local images',
};

/**
 * The build's options for this runtime: what Apple's `container build` has no flag for, and what
 * Podman's Docker-compatible build would not honour, is left out with one warning naming it.
 */
function buildOptionsFor(rt: ContainerRuntime, o: BuildOptions, warn?: (message: string) => void): BuildOptions {
  const other = rt.id === 'apple' ? buildUnsupportedOnApple(o) : rt.id === 'podman' ? buildUnsupportedOnPodman(o) : [];
  if (!other.length) return o;
  const out = { ...o };
  for (const k of other) delete out[k];
  const name = (k: keyof BuildOptions) =>
    k === 'network' ? `--network ${o.network ?? ''}` : (OPTION_NAMES[k] ?? String(k));
  const podman = () => other.map((k) => `${name(k)} (${PODMAN_WHY[k]})`).join(', ');
  warn?.(
    rt.id === 'apple'
      ? `Apple Containers' \`container build\` has no flag for ${other.map(name).join(', ')}; ` +
          'the image is built without them.'
      : `Podman's Docker-compatible build does not honour ${podman()}; the image is built without them.`,
  );
  return out;
}

/** Pulls (when the engine does not have it) or builds the image; returns the reference to create from. */
export async function prepareImage(
  rt: ContainerRuntime,
  image: ImagePlan,
  folder: string,
  o: { onProgress?: (p: WorkspaceProgress) => void; signal?: AbortSignal; warn?: (message: string) => void },
): Promise<string> {
  const signal = o.signal;
  if (image.kind === 'pull') {
    const present = await step(signal, () => rt.imageExists(image.ref, signal));
    if (!present) {
      o.onProgress?.({ message: `Pulling ${image.ref}…` });
      await step(signal, () => rt.pullImage(image.ref, progressLines(o.onProgress), signal));
    }
    o.onProgress?.({ message: `Image ${image.ref} is ready.`, increment: 45 });
    return image.ref;
  }
  o.onProgress?.({ message: `Building ${image.tag} from ${image.dockerfile}…` });
  const build = buildOptionsFor(
    rt,
    {
      ...image.options,
      context: image.context,
      dockerfile: image.dockerfile,
      tag: image.tag,
      target: image.target,
      buildArgs: Object.keys(image.args).length ? image.args : undefined,
      // Ours win over build.options' --label: it is how the image is found again.
      labels: { ...image.options?.labels, [LABELS.workspace]: folder },
      signal,
    },
    o.warn,
  );
  await step(signal, () => rt.buildImage(build, progressLines(o.onProgress)));
  o.onProgress?.({ message: `Built ${image.tag}.`, increment: 45 });
  return image.tag;
}

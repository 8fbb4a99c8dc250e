/** The image a workspace container runs: pulled when missing, or built from a Dockerfile. */
import { LABELS } from '../runtime/labels';
import type { ContainerRuntime, ProgressEvent } from '../runtime/types';
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

/** Pulls (when the engine does not have it) or builds the image; returns the reference to create from. */
export async function prepareImage(
  rt: ContainerRuntime,
  image: ImagePlan,
  folder: string,
  o: { onProgress?: (p: WorkspaceProgress) => void; signal?: AbortSignal },
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
  await step(signal, () =>
    rt.buildImage(
      {
        context: image.context,
        dockerfile: image.dockerfile,
        tag: image.tag,
        target: image.target,
        buildArgs: Object.keys(image.args).length ? image.args : undefined,
        labels: { [LABELS.workspace]: folder },
        signal,
      },
      progressLines(o.onProgress),
    ),
  );
  o.onProgress?.({ message: `Built ${image.tag}.`, increment: 45 });
  return image.tag;
}

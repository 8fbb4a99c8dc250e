/**
 * Removing an image, a volume or a network, refused up front when something uses it — the message
 * names what (the engine's own refusal is terser and differs per engine) — and never a built-in
 * network. The container list is read at the moment of removal, not taken from a view.
 */
import { RuntimeError } from '../runtime/errors';
import type { ContainerRuntime, ContainerSummary, ImageSummary } from '../runtime/types';
import { containersOfImage } from './images';
import { containersOnNetwork, isBuiltInNetwork } from './networks';
import { containersOfVolume } from './volumes';

/** "web, db and 3 more". */
export function namesOf(list: readonly ContainerSummary[], max = 3): string {
  const names = list.slice(0, max).map((c) => c.name);
  return list.length > max ? `${names.join(', ')} and ${list.length - max} more` : names.join(', ');
}

/** The image by id or reference, from the engine's list. */
async function findImage(rt: ContainerRuntime, ref: string, signal?: AbortSignal): Promise<ImageSummary | undefined> {
  const images = await rt.listImages(signal);
  const bare = ref.replace(/^sha256:/, '');
  return images.find(
    (i) => i.tags.includes(ref) || i.id === ref || (bare.length >= 12 && i.id.replace(/^sha256:/, '').startsWith(bare)),
  );
}

/**
 * Removes the image (one tag of it when `ref` is a tag and it has others). One that a container uses
 * is refused, the containers named, unless `force` (the engine still refuses for a running one).
 */
export async function removeImageChecked(
  rt: ContainerRuntime,
  ref: string,
  o: { force?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  const image = await findImage(rt, ref, o.signal);
  if (!image)
    throw new RuntimeError('notFound', `No image ${ref} on ${rt.label}.`, 'It may have been removed already.');
  // Untagging one of several tags removes nothing a container needs.
  const untagOnly = image.tags.length > 1 && image.tags.includes(ref);
  if (!o.force && !untagOnly) {
    const users = containersOfImage(image, await rt.listContainers({ all: true, signal: o.signal }));
    if (users.length)
      throw new RuntimeError(
        'conflict',
        `Image ${ref} is used by ${users.length === 1 ? 'container' : 'containers'} ${namesOf(users)}.`,
        'Remove the container first, or remove the image with force (a running container keeps it anyway).',
      );
  }
  await rt.removeImage(ref, { force: o.force ?? false });
}

/** Removes the volume; one a container mounts (running or not) is refused, the containers named. */
export async function removeVolumeChecked(rt: ContainerRuntime, name: string, signal?: AbortSignal): Promise<void> {
  const users = containersOfVolume(name, await rt.listContainers({ all: true, signal }));
  if (users.length)
    throw new RuntimeError(
      'conflict',
      `Volume ${name} is used by ${users.length === 1 ? 'container' : 'containers'} ${namesOf(users)}.`,
      'Remove the container first; its data stays in the volume until then.',
    );
  await rt.removeVolume(name);
}

/** Removes the network; a built-in one, or one containers are attached to, is refused. */
export async function removeNetworkChecked(
  rt: ContainerRuntime,
  network: { id: string; name: string },
  signal?: AbortSignal,
): Promise<void> {
  if (isBuiltInNetwork(rt.id, network.name))
    throw new RuntimeError(
      'invalidArgument',
      `${network.name} is one of ${rt.label}'s own networks: it is not removed.`,
    );
  const users = containersOnNetwork(network.name, await rt.listContainers({ all: true, signal }));
  if (users.length)
    throw new RuntimeError(
      'conflict',
      `Network ${network.name} has ${users.length === 1 ? 'container' : 'containers'} ${namesOf(users)} attached.`,
      'Remove those containers (or disconnect them) first.',
    );
  await rt.removeNetwork(network.id);
}

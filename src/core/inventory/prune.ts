/**
 * Prune, previewed: what would go (stopped containers, dangling or all unused images, unused
 * volumes — anonymous ones unless all are asked for —, unused networks) and the space it frees,
 * computed from the engine's lists; then exactly those items are removed, one by one, each checked
 * again (one that came into use meanwhile is kept and said). Nothing a container uses, no built-in
 * network, never a named volume unless asked.
 */
import type {
  ContainerRuntime,
  ContainerSummary,
  DiskUsage,
  ImageSummary,
  NetworkSummary,
  VolumeSummary,
} from '../runtime/types';
import { containersOfImage } from './images';
import { containersOnNetwork, isBuiltInNetwork } from './networks';
import { namesOf, removeNetworkChecked, removeVolumeChecked } from './remove';
import { containersOfVolume } from './volumes';

export type PruneKind = 'containers' | 'images' | 'volumes' | 'networks';
export const PRUNE_KINDS: readonly PruneKind[] = ['containers', 'images', 'volumes', 'networks'];

export interface PruneOptions {
  kinds: readonly PruneKind[];
  /** Images: every unused one, not only the dangling. */
  allImages?: boolean;
  /** Volumes: named ones too, not only anonymous. */
  allVolumes?: boolean;
  /** Only items with this label ("key" or "key=value"), as `docker … prune --filter label=`. */
  label?: string;
  signal?: AbortSignal;
}

export interface PruneItem {
  kind: PruneKind;
  id: string;
  /** What a person reads: a name, a reference, a short id. */
  name: string;
  /** Bytes it frees, when the engine says. */
  bytes?: number;
}

export interface PrunePlan {
  items: PruneItem[];
  /** The sum of the known sizes. */
  bytes: number;
  /** Some items' sizes are unknown or share layers (the figure is a lower bound). */
  sizesUnknown: boolean;
}

const STOPPED = new Set(['created', 'exited', 'dead']);

/** Docker marks an anonymous volume with this label; older engines and Podman name it by 64 hex digits. */
export function isAnonymousVolume(v: VolumeSummary): boolean {
  return v.labels['com.docker.volume.anonymous'] !== undefined || /^[0-9a-f]{64}$/.test(v.name);
}

function hasLabel(labels: Record<string, string> | undefined, label: string | undefined): boolean {
  if (!label) return true;
  const eq = label.indexOf('=');
  const key = eq >= 0 ? label.slice(0, eq) : label;
  return eq >= 0 ? labels?.[key] === label.slice(eq + 1) : labels?.[key] !== undefined;
}

const bare = (id: string) => id.replace(/^sha256:/, '');

/** What pruning these kinds would remove now, with the space freed. */
export async function prunePlan(rt: ContainerRuntime, o: PruneOptions): Promise<PrunePlan> {
  const want = new Set(o.kinds);
  const containers = await rt.listContainers({ all: true, signal: o.signal });
  const [images, volumes, networks, usage] = await Promise.all([
    want.has('images') ? rt.listImages(o.signal) : Promise.resolve<ImageSummary[]>([]),
    want.has('volumes') ? rt.listVolumes(o.signal) : Promise.resolve<VolumeSummary[]>([]),
    want.has('networks') ? rt.listNetworks(o.signal) : Promise.resolve<NetworkSummary[]>([]),
    rt.diskUsage(o.signal).catch((): DiskUsage => ({ images: new Map(), containers: new Map(), volumes: new Map() })),
  ]);
  const items: PruneItem[] = [];
  /** An image sharing layers frees at least its own part; the shared ones go too if no one else has them. */
  let shared = false;
  const going = want.has('containers')
    ? containers.filter((c) => STOPPED.has(c.state) && hasLabel(c.labels, o.label))
    : [];
  for (const c of going) items.push({ kind: 'containers', id: c.id, name: c.name, bytes: usage.containers.get(c.id) });
  // What stays: the containers that are not pruned now still hold their images, volumes and networks.
  const staying = containers.filter((c) => !going.includes(c));
  for (const i of images) {
    if (!o.allImages && i.tags.length) continue;
    if (!hasLabel(i.labels, o.label) || containersOfImage(i, staying).length) continue;
    const du = usage.images.get(bare(i.id));
    // What only this image holds; a layer another image shares stays.
    const bytes = du ? du.size - (du.shared ?? 0) : i.size;
    if (du?.shared) shared = true;
    items.push({ kind: 'images', id: i.id, name: i.tags[0] ?? bare(i.id).slice(0, 12), bytes });
  }
  for (const v of volumes) {
    if (!o.allVolumes && !isAnonymousVolume(v)) continue;
    if (!hasLabel(v.labels, o.label) || containersOfVolume(v.name, staying).length) continue;
    const size = usage.volumes.get(v.name);
    items.push({
      kind: 'volumes',
      id: v.name,
      name: v.name,
      ...(size !== undefined && size >= 0 ? { bytes: size } : {}),
    });
  }
  for (const n of networks) {
    if (isBuiltInNetwork(rt.id, n.name) || !hasLabel(n.labels, o.label)) continue;
    if (containersOnNetwork(n.name, staying).length) continue;
    items.push({ kind: 'networks', id: n.id, name: n.name, bytes: 0 });
  }
  return {
    items,
    bytes: items.reduce((s, i) => s + (i.bytes ?? 0), 0),
    sizesUnknown: shared || items.some((i) => i.bytes === undefined),
  };
}

export interface PruneResult {
  removed: PruneItem[];
  /** Items kept after all, with why (came into use, already gone, the engine refused). */
  kept: { item: PruneItem; reason: string }[];
}

/** Removes exactly the plan's items: containers first (they free the rest), then images, volumes, networks. */
export async function executePrune(
  rt: ContainerRuntime,
  plan: PrunePlan,
  o: { signal?: AbortSignal; onItem?: (item: PruneItem, done: number, total: number) => void } = {},
): Promise<PruneResult> {
  const result: PruneResult = { removed: [], kept: [] };
  const order = PRUNE_KINDS.flatMap((k) => plan.items.filter((i) => i.kind === k));
  let done = 0;
  for (const item of order) {
    if (o.signal?.aborted) {
      result.kept.push({ item, reason: 'cancelled' });
      continue;
    }
    o.onItem?.(item, done++, order.length);
    try {
      await removeItem(rt, item);
      result.removed.push(item);
    } catch (err) {
      result.kept.push({ item, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}

async function removeItem(rt: ContainerRuntime, item: PruneItem): Promise<void> {
  switch (item.kind) {
    case 'containers': {
      // Started since the preview: kept.
      const now = (await rt.listContainers({ all: true })).find((c: ContainerSummary) => c.id === item.id);
      if (now && !STOPPED.has(now.state)) throw new Error(`${item.name} is ${now.state} now`);
      return rt.remove(item.id);
    }
    case 'images': {
      const users = (await rt.listContainers({ all: true })).filter(
        (c) => c.imageId !== undefined && bare(c.imageId) === bare(item.id),
      );
      if (users.length) throw new Error(`${item.name} is used by ${namesOf(users)} now`);
      // Unused: every tag of it goes (by id, which needs force when it has several). Apple's CLI deletes by reference.
      return rt.removeImage(rt.id === 'apple' ? item.name : item.id, { force: true });
    }
    case 'volumes':
      return removeVolumeChecked(rt, item.id);
    case 'networks':
      return removeNetworkChecked(rt, { id: item.id, name: item.name });
  }
}

/** The engine's volumes with the containers that mount each, for the Volumes view and `cws volumes`. */
import type { ContainerSummary, VolumeSummary } from '../runtime/types';

export interface VolumeRow {
  volume: VolumeSummary;
  usedBy: ContainerSummary[];
}

/** The containers (running or not) that mount the named volume. */
export function containersOfVolume(name: string, containers: readonly ContainerSummary[]): ContainerSummary[] {
  return containers.filter((c) => (c.mounts ?? []).some((m) => m.type === 'volume' && m.source === name));
}

/** Volumes sorted by name, each with its users. */
export function volumeInventory(
  volumes: readonly VolumeSummary[],
  containers: readonly ContainerSummary[],
): VolumeRow[] {
  return [...volumes]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((volume) => ({ volume, usedBy: containersOfVolume(volume.name, containers) }));
}

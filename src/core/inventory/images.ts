/**
 * The engine's images as the Images view and `cws images` show them: grouped by repository, a row
 * per tag, the containers that use each (by image id, or by the reference they were made from), and
 * the dangling ones (no tag) apart.
 */
import { normalizeImageRef } from '../runtime/apple/parse';
import { splitReference } from '../runtime/docker/resources';
import type { ContainerSummary, ImageSummary } from '../runtime/types';

export interface ImageRow {
  image: ImageSummary;
  /** "docker.io/library/debian" as the engine wrote it; "<none>" for a dangling image. */
  repository: string;
  /** "bookworm"; "<none>" for a dangling image. */
  tag: string;
  /** What to hand the engine for this row: "repo:tag", or the id when it has no tag. */
  ref: string;
  /** The containers made from the image (any tag of it), running or not. */
  usedBy: ContainerSummary[];
}

export interface ImageGroup {
  repository: string;
  rows: ImageRow[];
}

export interface ImageInventory {
  groups: ImageGroup[];
  dangling: ImageRow[];
}

const shortId = (id: string) => id.replace(/^sha256:/, '');

/** The containers made from this image: by id where the engine says, else by a reference of it. */
export function containersOfImage(image: ImageSummary, containers: readonly ContainerSummary[]): ContainerSummary[] {
  const id = shortId(image.id);
  const refs = new Set(image.tags.map(normalizeImageRef));
  return containers.filter((c) => {
    if (c.imageId) return shortId(c.imageId) === id;
    const ref = c.image;
    if (!ref) return false;
    if (shortId(ref).length >= 12 && id.startsWith(shortId(ref))) return true;
    return refs.has(normalizeImageRef(ref));
  });
}

/** Images grouped by repository (sorted), tags within newest first; the untagged apart. */
export function imageInventory(
  images: readonly ImageSummary[],
  containers: readonly ContainerSummary[],
): ImageInventory {
  const groups = new Map<string, ImageRow[]>();
  const dangling: ImageRow[] = [];
  for (const image of images) {
    const usedBy = containersOfImage(image, containers);
    if (!image.tags.length) {
      dangling.push({ image, repository: '<none>', tag: '<none>', ref: image.id, usedBy });
      continue;
    }
    for (const t of image.tags) {
      const { repo, tag } = splitReference(t);
      const rows = groups.get(repo) ?? [];
      rows.push({ image, repository: repo, tag, ref: t, usedBy });
      groups.set(repo, rows);
    }
  }
  const byAge = (a: ImageRow, b: ImageRow) => b.image.created - a.image.created || a.tag.localeCompare(b.tag);
  return {
    groups: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([repository, rows]) => ({ repository, rows: rows.sort(byAge) })),
    dangling: dangling.sort(byAge),
  };
}

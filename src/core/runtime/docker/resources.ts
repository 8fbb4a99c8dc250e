// The Engine API's image, volume and network lists in the runtime's shape, every field checked
// (shape.ts). Docker and Podman's compatible API answer alike; where they differ it is said here.
import { RuntimeError } from '../errors';
import type { DiskUsage, ImageSummary, NetworkSummary, VolumeSummary } from '../types';
import { Shape, topList, topObject, type Origin } from './shape';

/** An ISO date ("2024-05-01T10:00:00Z", Podman's with nanoseconds) → ms, or undefined. */
function isoMs(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) && t > 0 ? t : undefined;
}

/** GET /images/json → images; `<none>:<none>` and `<none>@<none>` are no tag or digest. */
export function toImages(raw: unknown, origin: Origin): ImageSummary[] {
  const f = new Shape(origin, 'an image');
  return topList(raw, origin, 'an image list').map((i) => ({
    id: f.str(i, 'Id') ?? '',
    tags: f.strings(i, 'RepoTags').filter((t) => t !== '<none>:<none>'),
    size: f.num(i, 'Size') ?? 0,
    created: (f.num(i, 'Created') ?? 0) * 1000,
    digests: f.strings(i, 'RepoDigests').filter((d) => !d.startsWith('<none>')),
    labels: f.strMap(i, 'Labels'),
  }));
}

/** GET /volumes → `{ Volumes: [...], Warnings }`; a null Volumes (none) is an empty list. */
export function toVolumes(raw: unknown, origin: Origin): VolumeSummary[] {
  const top = topObject(raw, origin, 'a volume list');
  const f = new Shape(origin, 'a volume');
  return new Shape(origin, 'a volume list').objects(top, 'Volumes').map((v) => ({
    name: f.str(v, 'Name') || f.fail('Name', 'a non-empty string'),
    driver: f.str(v, 'Driver') ?? 'local',
    ...(f.str(v, 'Mountpoint') ? { mountpoint: f.str(v, 'Mountpoint') } : {}),
    ...(isoMs(f.str(v, 'CreatedAt')) ? { created: isoMs(f.str(v, 'CreatedAt')) } : {}),
    labels: f.strMap(v, 'Labels'),
    ...(f.str(v, 'Scope') ? { scope: f.str(v, 'Scope') } : {}),
  }));
}

/** GET /networks → networks. */
export function toNetworks(raw: unknown, origin: Origin): NetworkSummary[] {
  const f = new Shape(origin, 'a network');
  return topList(raw, origin, 'a network list').map((n) => ({
    id: f.str(n, 'Id') || f.fail('Id', 'a non-empty string'),
    name: f.str(n, 'Name') ?? '',
    driver: f.str(n, 'Driver') ?? '',
    scope: f.str(n, 'Scope') ?? 'local',
    ...(isoMs(f.str(n, 'Created')) ? { created: isoMs(f.str(n, 'Created')) } : {}),
    labels: f.strMap(n, 'Labels'),
    ...(f.bool(n, 'Internal') ? { internal: true } : {}),
  }));
}

/** "registry:5000/team/app:1.2" → repo "registry:5000/team/app", tag "1.2" (default latest). */
export function splitReference(ref: string): { repo: string; tag: string } {
  const at = ref.indexOf('@');
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const slash = base.lastIndexOf('/');
  const colon = base.lastIndexOf(':');
  return colon > slash ? { repo: base.slice(0, colon), tag: base.slice(colon + 1) } : { repo: base, tag: 'latest' };
}

/** An image reference or id in a request path: each part encoded, the slashes kept. */
export function imagePath(ref: string): string {
  return checkReference(ref).split('/').map(encodeURIComponent).join('/');
}

/** A reference as a person may type it: not empty, no spaces or control characters, not an option. */
export function checkReference(ref: string): string {
  // eslint-disable-next-line no-control-regex
  if (!ref || ref.startsWith('-') || /[\s\u0000-\u001f\u007f]/.test(ref) || ref.length > 1024)
    throw new RuntimeError('invalidArgument', `Not a valid image reference: "${ref.slice(0, 80)}".`);
  return ref;
}

/**
 * Podman's GET /libpod/networks/json → networks. Its compatible /networks calls the default network
 * "bridge" while containers name it "podman"; libpod's own list says "podman" as they do.
 */
export function toLibpodNetworks(raw: unknown, origin: Origin): NetworkSummary[] {
  const f = new Shape(origin, 'a network');
  return topList(raw, origin, 'a network list').map((n) => ({
    id: f.str(n, 'id') || f.fail('id', 'a non-empty string'),
    name: f.str(n, 'name') ?? '',
    driver: f.str(n, 'driver') ?? '',
    scope: 'local',
    ...(isoMs(f.str(n, 'created')) ? { created: isoMs(f.str(n, 'created')) } : {}),
    labels: f.strMap(n, 'labels'),
    ...(f.bool(n, 'internal') ? { internal: true } : {}),
  }));
}

const bareId = (id: string) => id.replace(/^sha256:/, '');

/** GET /system/df → the sizes the engine gives (Docker and Podman's compatible answer). */
export function toDiskUsage(raw: unknown, origin: Origin): DiskUsage {
  const top = topObject(raw, origin, 'a disk usage report');
  const f = new Shape(origin, 'a disk usage report');
  const images = new Map<string, { size: number; shared?: number }>();
  for (const i of f.objects(top, 'Images')) {
    const id = f.str(i, 'Id');
    if (!id) continue;
    const shared = f.num(i, 'SharedSize');
    images.set(bareId(id), { size: f.num(i, 'Size') ?? 0, ...(shared !== undefined && shared >= 0 ? { shared } : {}) });
  }
  const containers = new Map<string, number>();
  for (const c of f.objects(top, 'Containers')) {
    const id = f.str(c, 'Id');
    if (id) containers.set(id, f.num(c, 'SizeRw') ?? 0);
  }
  const volumes = new Map<string, number>();
  for (const v of f.objects(top, 'Volumes')) {
    const name = f.str(v, 'Name');
    if (name) volumes.set(name, f.num(f.obj(v, 'UsageData') ?? {}, 'Size') ?? -1);
  }
  const cache = f.objects(top, 'BuildCache');
  const usage: DiskUsage = { images, containers, volumes };
  const layers = f.num(top, 'LayersSize');
  if (layers) usage.layersSize = layers;
  if (cache.length)
    usage.buildCache = {
      size: cache.reduce((n, b) => n + (f.num(b, 'Size') ?? 0), 0),
      reclaimable: cache.filter((b) => !f.bool(b, 'InUse')).reduce((n, b) => n + (f.num(b, 'Size') ?? 0), 0),
      entries: cache.length,
    };
  return usage;
}

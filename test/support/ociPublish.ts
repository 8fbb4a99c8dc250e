// Our own small publisher of dev container Features as the spec's OCI artifacts
// (devcontainer-features-distribution.md): the Feature folder as one tar layer
// (`application/vnd.devcontainers.layer.v1+tar`, titled devcontainer-feature-<id>.tgz), an empty `{}`
// config of type `application/vnd.devcontainers`, and the Feature's metadata in the manifest's
// `dev.containers.metadata` annotation; pushed through the v2 upload API (POST, PUT blobs, PUT
// manifest). Also `tarOf`, a tiny ustar writer for the hostile archives the tests need.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface PublishOptions {
  /** `http://127.0.0.1:5000` */
  url: string;
  repository: string;
  tags: string[];
  user?: { name: string; password: string };
  /** gzip the layer (the reference CLI does not, despite the .tgz name). */
  gzip?: boolean;
  /** Replace the layer with these bytes (hostile archives). */
  layer?: Buffer;
}

export interface Published {
  manifestDigest: string;
  layerDigest: string;
  layerBytes: Buffer;
}

export const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function authHeaders(o: PublishOptions): Record<string, string> {
  return o.user
    ? { authorization: `Basic ${Buffer.from(`${o.user.name}:${o.user.password}`).toString('base64')}` }
    : {};
}

async function expectStatus(res: Response, want: number, what: string): Promise<void> {
  if (res.status !== want) throw new Error(`${what}: ${res.status} ${await res.text()}`);
}

/** POST + PUT of one blob (monolithic upload). */
export async function pushBlob(o: PublishOptions, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const start = await fetch(`${o.url}/v2/${o.repository}/blobs/uploads/`, { method: 'POST', headers: authHeaders(o) });
  await expectStatus(start, 202, 'start upload');
  const location = new URL(start.headers.get('location') ?? '', o.url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...authHeaders(o), 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  await expectStatus(put, 201, 'upload blob');
  return digest;
}

export async function pushManifest(o: PublishOptions, tag: string, manifest: Buffer, mediaType: string): Promise<void> {
  const res = await fetch(`${o.url}/v2/${o.repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...authHeaders(o), 'content-type': mediaType },
    body: new Uint8Array(manifest),
  });
  await expectStatus(res, 201, `push manifest ${tag}`);
}

/** Publishes the Feature folder `dir` (with devcontainer-feature.json) under every tag. */
export async function publishFeature(dir: string, o: PublishOptions): Promise<Published> {
  const metadata = readFileSync(join(dir, 'devcontainer-feature.json'), 'utf8');
  const id = (JSON.parse(metadata) as { id: string }).id;
  // GNU tar, not our code: the archive a user's tools would make.
  const tar = o.layer ?? execFileSync('tar', ['-C', dir, '-cf', '-', '.'], { maxBuffer: 64 << 20 });
  const layerBytes = o.gzip && !o.layer ? gzipSync(tar) : tar;
  const config = Buffer.from('{}');
  const configDigest = await pushBlob(o, config);
  const layerDigest = await pushBlob(o, layerBytes);
  const mediaType = 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: 'application/vnd.devcontainers', digest: configDigest, size: config.length },
      layers: [
        {
          mediaType: 'application/vnd.devcontainers.layer.v1+tar',
          digest: layerDigest,
          size: layerBytes.length,
          annotations: { 'org.opencontainers.image.title': `devcontainer-feature-${id}.tgz` },
        },
      ],
      annotations: {
        'dev.containers.metadata': JSON.stringify(JSON.parse(metadata)),
        'com.github.package.type': 'devcontainer_feature',
      },
    }),
  );
  for (const tag of o.tags) await pushManifest(o, tag, manifest, mediaType);
  return { manifestDigest: sha256(manifest), layerDigest, layerBytes };
}

export interface TarEntry {
  name: string;
  /** '0' file (default), '5' directory, '2' symlink, '1' hard link, '6' FIFO, 'x' pax, 'L' GNU long name. */
  type?: string;
  content?: Buffer | string;
  linkname?: string;
  mode?: number;
}

/** A ustar archive of these entries, names written as given (no checks: that is the point). */
export function tarOf(entries: TarEntry[], o: { end?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const content = Buffer.from(e.content ?? '');
    const h = Buffer.alloc(512);
    h.write(e.name.slice(0, 100), 0, 'utf8');
    h.write(`${(e.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100, 'latin1');
    h.write('0000000\0', 108, 'latin1');
    h.write('0000000\0', 116, 'latin1');
    h.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write('00000000000\0', 136, 'latin1');
    h.write(e.type ?? '0', 156, 'latin1');
    h.write((e.linkname ?? '').slice(0, 100), 157, 'utf8');
    h.write('ustar\0', 257, 'latin1');
    h.write('00', 263, 'latin1');
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(h, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  if (o.end !== false) blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A pax record `len key=value\n` (len counts itself). */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len++;
  return `${len}${body}`;
}

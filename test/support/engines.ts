// Which real engines this run has, as found by scripts/setup-engines.sh (passed in CWS_ENGINES, e.g.
// "docker=ok,podman=unavailable"). In CI a missing engine fails the test loudly; on a developer
// machine the test is skipped with a message saying why.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DockerRuntime } from '../../src/core/runtime/docker/dockerRuntime';
import { PodmanRuntime } from '../../src/core/runtime/docker/podmanRuntime';
import type { ContainerRuntime, RuntimeId } from '../../src/core/runtime/types';

export type EngineId = Extract<RuntimeId, 'docker' | 'podman'>;
export const TEST_IMAGE = process.env.CWS_TEST_IMAGE || 'localhost/cws-test/busybox:latest';
// Debian bookworm (minbase + bash, git, ssh, apt) built by mmdebstrap in scripts/setup-engines.sh.
export const DEBIAN_IMAGE = process.env.CWS_DEBIAN_IMAGE || 'localhost/cws-test/debian:bookworm';
export const isCI = /^(1|true)$/i.test(process.env.CI ?? '');

export const ENGINE_SOCKETS: Record<EngineId, string> = {
  docker: process.env.CWS_DOCKER_SOCK || '/var/run/docker.sock',
  podman: process.env.CWS_PODMAN_SOCK || '/run/podman/podman.sock',
};

function availability(): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of (process.env.CWS_ENGINES ?? '').split(',')) {
    const [k, v] = part.split('=');
    if (k) m.set(k.trim(), (v ?? '').trim());
  }
  return m;
}

export function engineAvailable(id: EngineId): boolean {
  return availability().get(id) === 'ok';
}

/** Call in before(): fails in CI, skips (with the reason) elsewhere, when the engine is missing. */
export function requireEngine(ctx: Mocha.Context, id: EngineId): void {
  if (engineAvailable(id)) return;
  const why = `${id} engine is not available (scripts/setup-engines.sh reported "${availability().get(id) ?? 'not run'}")`;
  if (isCI) throw new Error(`${why}; CI needs it.`);
  console.log(`      skipping: ${why}`);
  ctx.skip();
}

const run = promisify(execFile);

/** Runs the engine's own CLI (docker / podman): an oracle independent of our runtime layer. */
export async function engineCli(id: EngineId, args: string[]): Promise<string> {
  const { stdout } = await run(id, args, { timeout: 60_000, maxBuffer: 16 << 20 });
  return stdout.trim();
}

/** Call in before(): fails in CI, skips (with the reason) elsewhere, when DEBIAN_IMAGE is not on the engine. */
export async function requireDebianImage(ctx: Mocha.Context, engine: EngineId): Promise<void> {
  const present = await engineCli(engine, ['image', 'inspect', '--format', '{{.Id}}', DEBIAN_IMAGE]).then(
    () => true,
    () => false,
  );
  if (present) return;
  const why = `${DEBIAN_IMAGE} is not on ${engine}`;
  if (isCI) throw new Error(`${why}; CI needs it (scripts/setup-engines.sh builds it with mmdebstrap and imports it).`);
  console.log(`      skipping: ${why} (scripts/setup-engines.sh builds it with mmdebstrap, as root on Debian)`);
  ctx.skip();
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export const TEST_LABEL = 'dev.containerworkspaces.test';

/**
 * `docker run -d` of the test image (or `image`), named and labelled for clean-up, with `flags`
 * before the image; resolves to the container's id.
 */
export function runTestContainer(
  id: EngineId,
  name: string,
  cmd: string[],
  o: { flags?: string[]; image?: string } = {},
): Promise<string> {
  const label = `${TEST_LABEL}=${process.pid}`;
  return engineCli(id, [
    'run',
    '-d',
    '--name',
    name,
    '--label',
    label,
    ...(o.flags ?? []),
    o.image ?? TEST_IMAGE,
    ...cmd,
  ]);
}

/** Removes every container this test run labelled, on the given engine. */
export async function removeTestContainers(id: EngineId): Promise<void> {
  const ids = (await engineCli(id, ['ps', '-aq', '--filter', `label=${TEST_LABEL}=${process.pid}`]))
    .split('\n')
    .filter(Boolean);
  if (ids.length) await engineCli(id, ['rm', '-f', ...ids]);
}

export interface CliContainer {
  id: string;
  name: string;
  image: string;
  state: string;
}

/** `ps -a` as the engine's own CLI reports it (its JSON output; Podman's templates are unreliable). */
export async function engineCliList(id: EngineId): Promise<CliContainer[]> {
  if (id === 'podman') {
    const list = JSON.parse(await engineCli(id, ['ps', '-a', '--format', 'json'])) as {
      Id: string;
      Names: string[];
      Image: string;
      State: string;
    }[];
    return list.map((c) => ({ id: c.Id, name: c.Names[0], image: c.Image, state: c.State }));
  }
  const lines = (await engineCli(id, ['ps', '-a', '--no-trunc', '--format', '{{json .}}'])).split('\n').filter(Boolean);
  return lines
    .map((l) => JSON.parse(l) as { ID: string; Names: string; Image: string; State: string })
    .map((c) => ({ id: c.ID, name: c.Names.split(',')[0], image: c.Image, state: c.State }));
}

/** "1.2MiB" (docker, binary) or "540.7kB" (podman, SI) → bytes. */
export function parseSize(s: string): number {
  const m = /([\d.]+)\s*([kKMGT]?)(i?)B/.exec(s.trim());
  if (!m) return NaN;
  const pow = ['', 'K', 'M', 'G', 'T'].indexOf(m[2].toUpperCase());
  return parseFloat(m[1]) * (m[3] ? 1024 : 1000) ** pow;
}

/** Removes the containers whose labels match (`key=value` or `key`), whoever made them. */
export async function removeLabelled(id: EngineId, label: string): Promise<void> {
  const ids = (await engineCli(id, ['ps', '-aq', '--filter', `label=${label}`]).catch(() => ''))
    .split('\n')
    .filter(Boolean);
  if (ids.length) await engineCli(id, ['rm', '-f', ...ids]).catch(() => undefined);
}

/** Our runtime on the test engine's socket (what the engine tests drive). */
export function engineRuntime(engine: EngineId): ContainerRuntime {
  const url = `unix://${ENGINE_SOCKETS[engine]}`;
  return engine === 'docker'
    ? new DockerRuntime('docker', { url, socketPath: ENGINE_SOCKETS.docker })
    : new PodmanRuntime({ url, socketPath: ENGINE_SOCKETS.podman });
}

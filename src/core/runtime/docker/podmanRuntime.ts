import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { RuntimeError } from '../errors';
import type {
  BuildOptions,
  CreateContainerOptions,
  NetworkSummary,
  ProgressEvent,
  StatsSample,
  Subscription,
} from '../types';
import { DockerRuntime, type DockerRuntimeOptions } from './dockerRuntime';
import type { DockerEndpoint } from './endpoint';
import { fromLibpodSamples, type LibpodStats } from './podmanStats';
import { toLibpodNetworks } from './resources';

/**
 * Podman through its Docker-compatible socket. Its compat stats endpoint samples only every 5 s and
 * its one-shot answer has no previous sample, so stats use Podman's own endpoint at 1 Hz instead.
 */
export class PodmanRuntime extends DockerRuntime {
  constructor(ep: DockerEndpoint, o: DockerRuntimeOptions = {}) {
    super('podman', ep, o);
  }

  /**
   * Podman 4's compat API turns each structured mount into an unquoted `--mount` CSV line, so a
   * path with `"` or `,` is refused; `Binds` (`source:target[:ro]`) carries those paths as they
   * are. Paths with `:` cannot be binds and stay structured mounts.
   */
  protected override mountConfig(
    mounts: CreateContainerOptions['mounts'],
  ): Pick<Docker.HostConfig, 'Mounts' | 'Binds'> {
    if (!mounts?.length) return {};
    const binds: string[] = [];
    const rest: CreateContainerOptions['mounts'] = [];
    for (const m of mounts) {
      if (!m.source.includes(':') && !m.target.includes(':'))
        binds.push(`${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`);
      else rest.push(m);
    }
    return { Binds: binds.length ? binds : undefined, ...(rest.length ? super.mountConfig(rest) : {}) };
  }

  /**
   * A failed build on Podman keeps the layers it committed before the failing step, as an untagged
   * image with the build's labels (`podman images` lists it); Docker keeps none. They are removed
   * here — only the dangling ones with this build's labels made since it began, and with them
   * their untagged parents — so that a failed build leaves nothing behind on either engine.
   */
  override async buildImage(o: BuildOptions, onProgress?: (p: ProgressEvent) => void): Promise<string> {
    const since = Math.floor(Date.now() / 1000) - 1;
    try {
      return await super.buildImage(o, onProgress);
    } catch (err) {
      if (o.labels && Object.keys(o.labels).length)
        await this.removeFailedLayers(o.labels, since).catch(() => undefined);
      throw err;
    }
  }

  private async removeFailedLayers(labels: Record<string, string>, since: number): Promise<void> {
    const filters = { dangling: ['true'], label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
    const list = await this.getJson('/images/json', { query: { all: true, filters } });
    if (!Array.isArray(list)) return;
    for (const i of list as { Id?: unknown; Created?: unknown }[]) {
      if (typeof i.Id !== 'string' || typeof i.Created !== 'number' || i.Created < since) continue;
      const id = i.Id;
      await this.call(() => this.docker.getImage(id).remove()).catch(() => undefined);
    }
  }

  /**
   * Podman's compatible wait can miss an exit that happens while the request is being set up (a
   * helper that fails at once, on a busy machine) and then waits for ever. The container's state
   * is read as well, after 0.5, 1, 2 … s (at most every 10 s) until one of them answers.
   */
  override async wait(id: string, signal?: AbortSignal): Promise<number> {
    const stop = new AbortController();
    const signals = AbortSignal.any([stop.signal, ...(signal ? [signal] : [])]);
    const exited = async (): Promise<number> => {
      for (let ms = 500; ; ms = Math.min(ms * 2, 10_000)) {
        await new Promise((r) => setTimeout(r, ms).unref());
        if (signals.aborted) return new Promise<number>(() => undefined);
        const d = await this.inspect(id, signals).catch(() => undefined);
        if (d && d.state !== 'running' && d.state !== 'paused' && d.state !== 'restarting' && d.state !== 'created')
          return d.exitCode ?? -1;
      }
    };
    try {
      return await Promise.race([super.wait(id, signals), exited()]);
    } finally {
      stop.abort();
    }
  }

  /** libpod's list: the default network by the name containers give it ("podman", not "bridge"). */
  override async listNetworks(signal?: AbortSignal): Promise<NetworkSummary[]> {
    const path = '/v4.0.0/libpod/networks/json';
    return toLibpodNetworks(await this.getJson(path, { signal }), this.origin(path));
  }

  private openLibpodStats(id: string, signal: AbortSignal): Promise<Readable> {
    // libpod endpoints need a version prefix.
    return this.openStreamAt(
      '/v4.0.0/libpod/containers/stats',
      { containers: [id], stream: true, interval: 1 },
      signal,
    );
  }

  override subscribeStats(
    id: string,
    onSample: (s: StatsSample) => void,
    onError?: (err: Error) => void,
  ): Subscription {
    let prev: LibpodStats | undefined;
    return this.openStream(
      (signal) => this.openLibpodStats(id, signal),
      (raw) => {
        const r = raw as { Error?: unknown; Stats?: unknown } | null;
        const cur = Array.isArray(r?.Stats) ? (r.Stats[0] as LibpodStats | undefined) : undefined;
        // A sample without the counters as numbers is skipped (garbage from the engine, not a sample).
        if (!isLibpodSample(cur)) return;
        if (prev) onSample(fromLibpodSamples(id, prev, cur));
        prev = cur;
      },
      onError,
    );
  }

  /** Two samples a second apart, so CPU % is a current figure. */
  override stats(id: string, signal?: AbortSignal): Promise<StatsSample> {
    return new Promise((resolve, reject) => {
      const done = (f: () => void) => {
        sub.close();
        clearTimeout(timer);
        f();
      };
      const sub = this.subscribeStats(
        id,
        (s) => done(() => resolve(s)),
        (e) => done(() => reject(e)),
      );
      const timer = setTimeout(
        () => done(() => reject(new RuntimeError('timeout', 'Podman sent no stats in time.'))),
        10_000,
      );
      signal?.addEventListener('abort', () => done(() => reject(new RuntimeError('cancelled', 'Cancelled.'))), {
        once: true,
      });
      void sub.ended.then(() => done(() => reject(new RuntimeError('conflict', 'The container is not running.'))));
    });
  }
}

const COUNTERS = [
  'CPUNano',
  'SystemNano',
  'MemUsage',
  'MemLimit',
  'NetInput',
  'NetOutput',
  'BlockInput',
  'BlockOutput',
  'PIDs',
] as const;

function isLibpodSample(v: unknown): v is LibpodStats {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return COUNTERS.every((k) => typeof o[k] === 'number' && Number.isFinite(o[k]));
}

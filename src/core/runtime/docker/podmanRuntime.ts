import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { RuntimeError } from '../errors';
import type { CreateContainerOptions, StatsSample, Subscription } from '../types';
import { DockerRuntime } from './dockerRuntime';
import type { DockerEndpoint } from './endpoint';
import { fromLibpodSamples, type LibpodStats } from './podmanStats';

/**
 * Podman through its Docker-compatible socket. Its compat stats endpoint samples only every 5 s and
 * its one-shot answer has no previous sample, so stats use Podman's own endpoint at 1 Hz instead.
 */
export class PodmanRuntime extends DockerRuntime {
  constructor(ep: DockerEndpoint) {
    super('podman', ep);
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

  private openLibpodStats(id: string): Promise<Readable> {
    return new Promise((resolve, reject) => {
      (this.streamer.modem as { dial(o: object, cb: (err: Error | null, s: Readable) => void): void }).dial(
        {
          path: '/v4.0.0/libpod/containers/stats?', // libpod endpoints need a version prefix
          method: 'GET',
          options: { containers: [id], stream: true, interval: 1 },
          isStream: true,
          statusCodes: { 200: true, 404: 'no such container', 409: 'container is not running', 500: 'server error' },
        },
        (err, stream) => (err ? reject(err) : resolve(stream)),
      );
    });
  }

  override subscribeStats(
    id: string,
    onSample: (s: StatsSample) => void,
    onError?: (err: Error) => void,
  ): Subscription {
    let prev: LibpodStats | undefined;
    return this.openStream(
      () => this.openLibpodStats(id),
      (raw) => {
        const r = raw as { Error?: unknown; Stats?: LibpodStats[] };
        const cur = r.Stats?.[0];
        if (!cur) return;
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

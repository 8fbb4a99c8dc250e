import Docker from 'dockerode';
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { fromEngineError } from '../errors';
import type {
  ContainerRuntime, ContainerSummary, CreateContainerOptions, ListOptions, RemoveOptions, RuntimeInfo,
} from '../types';
import { RUNTIME_LABELS } from '../types';
import type { DockerEndpoint } from './endpoint';
import { toSummary } from './normalize';

/** Short requests give up after this long; streams are not subject to it. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Docker Engine API runtime over dockerode; serves Docker and Podman's Docker-compatible socket.
 */
export class DockerRuntime implements ContainerRuntime {
  readonly label: string;
  readonly endpoint: string;
  private readonly docker: Docker;
  private readonly agent?: Agent;
  private closed = false;

  constructor(readonly id: 'docker' | 'podman', ep: DockerEndpoint) {
    this.label = RUNTIME_LABELS[id];
    this.endpoint = ep.url;
    // Our own agent so close() can end every socket this runtime opened.
    if (ep.protocol !== 'ssh') {
      this.agent = ep.protocol === 'https' ? new HttpsAgent({ keepAlive: true }) : new Agent({ keepAlive: true });
    }
    this.docker = new Docker({
      socketPath: ep.socketPath,
      protocol: ep.protocol,
      host: ep.host,
      port: ep.port,
      username: ep.username,
      agent: this.agent,
    } as Docker.DockerOptions);
  }

  private async call<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await fn(combined);
    } catch (err) {
      if (timeout.aborted && !signal?.aborted) (err as { code?: string }).code = 'ETIMEDOUT';
      throw fromEngineError(err, this.id, this.endpoint);
    }
  }

  async ping(signal?: AbortSignal): Promise<void> {
    await this.call((abortSignal) => (this.docker as Cancellable).ping({ abortSignal }), signal);
  }

  async info(): Promise<RuntimeInfo> {
    const v = await this.call((abortSignal) => (this.docker as Cancellable).version({ abortSignal }));
    const podman = (v.Components ?? []).some((c) => /podman/i.test(c.Name));
    return {
      runtime: this.id,
      name: podman ? 'Podman Engine' : ((v as { Platform?: { Name?: string } }).Platform?.Name || 'Docker Engine'),
      version: v.Version,
      apiVersion: v.ApiVersion,
      os: v.Os,
      arch: v.Arch,
      endpoint: this.endpoint,
      capabilities: { pause: true, eventsPushed: true },
    };
  }

  async listContainers(options: ListOptions = {}): Promise<ContainerSummary[]> {
    const list = await this.call((abortSignal) =>
      this.docker.listContainers({ all: options.all ?? true, abortSignal } as Docker.ContainerListOptions));
    return list.map(toSummary);
  }

  async createContainer(o: CreateContainerOptions): Promise<string> {
    const c = await this.call(() => this.docker.createContainer({
      Image: o.image,
      name: o.name,
      Cmd: o.cmd,
      Env: o.env ? Object.entries(o.env).map(([k, v]) => `${k}=${v}`) : undefined,
      Labels: o.labels,
      WorkingDir: o.workingDir,
      Tty: o.tty ?? false,
    }));
    return c.id;
  }

  async start(id: string): Promise<void> {
    await this.call(() => this.docker.getContainer(id).start()).catch(ignoreNotModified);
  }

  async stop(id: string, timeoutSeconds?: number): Promise<void> {
    await this.call(() => this.docker.getContainer(id).stop(timeoutSeconds === undefined ? {} : { t: timeoutSeconds }))
      .catch(ignoreNotModified);
  }

  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    await this.call(() => this.docker.getContainer(id).remove({ force: options.force ?? false, v: options.volumes ?? false }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.agent?.destroy();
  }
}

/** dockerode takes an abortSignal on these calls; its type definitions do not say so. */
type Cancellable = {
  ping(o: { abortSignal: AbortSignal }): Promise<unknown>;
  version(o: { abortSignal: AbortSignal }): Promise<Docker.DockerVersion>;
};

/** 304: already started / already stopped — not an error for the user. */
function ignoreNotModified(err: unknown): void {
  const cause = (err as { cause?: { statusCode?: number } }).cause;
  if (cause?.statusCode === 304) return;
  throw err;
}

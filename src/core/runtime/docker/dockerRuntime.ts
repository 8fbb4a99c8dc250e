import Docker from 'dockerode';
import { readdirSync } from 'node:fs';
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { RuntimeError, fromEngineError } from '../errors';
import { JsonLineSplitter } from '../streams/jsonLines';
import { ManagedSubscription } from '../streams/subscription';
import type {
  BuildOptions,
  ContainerDetails,
  ContainerRuntime,
  ContainerSummary,
  DiskUsage,
  CreateContainerOptions,
  ExecOptions,
  ExecResult,
  ImageSummary,
  NetworkSummary,
  ResourceEvent,
  VolumeSummary,
  InteractiveExec,
  InteractiveExecOptions,
  ListOptions,
  LogChunk,
  LogOptions,
  ProgressEvent,
  RemoveOptions,
  RuntimeCapabilities,
  RuntimeEvent,
  RuntimeInfo,
  StatsSample,
  Subscription,
} from '../types';
import { RUNTIME_LABELS } from '../types';
import { hostConfigOf } from './hostConfig';
import { FrameDemuxer, RawText } from './demux';
import type { DockerEndpoint } from './endpoint';
import {
  BodyError,
  boundedRequest,
  httpError,
  openStreamRequest,
  type BoundedRequest,
  type Dialer,
} from './boundedRequest';
import { toResourceEvent, toRuntimeEvent } from './events';
import { toDetails, toSummaries } from './normalize';
import { checkReference, imagePath, splitReference, toDiskUsage, toImages, toNetworks, toVolumes } from './resources';
import { MalformedAnswer, Shape, topObject, type Origin } from './shape';
import { toRawStats, toStatsSample } from './stats';
import { OutputRelay } from '../streams/outputRelay';

/** Idle keep-alive connections are closed after this long: nothing stays open while nobody looks. */
const IDLE_SOCKET_MS = 4_000;
/**
 * Short requests give up after this long, also when the engine sent its headers and then stalls in
 * the body; streams are subject to it only until the engine has answered.
 */
const REQUEST_TIMEOUT_MS = 15_000;
/**
 * Requests that make the engine do work (create, start, remove, kill…): slower on a busy machine
 * (Podman starting a container under load takes seconds), still bounded.
 */
const LIFECYCLE_TIMEOUT_MS = 60_000;
/** Output of a captured exec (not an interactive one) kept in memory at most. */
const MAX_EXEC_OUTPUT_CHARS = 64 * 1024 * 1024;
/**
 * ping and version: what detection and the status bar wait for. Over ssh:// the first request also
 * sets up the connection (handshake, agent, `docker system dial-stdio` started by sshd), which on
 * a loaded or distant machine takes seconds of its own: there the request time-out applies.
 */
const PING_TIMEOUT_MS = 5_000;

export interface DockerRuntimeOptions {
  /** Overrides the request time-outs, reads and lifecycle alike (tests against an engine that never answers). */
  requestTimeoutMs?: number;
}
const CAPABILITIES: RuntimeCapabilities = {
  pause: true,
  eventsPushed: true,
  restart: true,
  build: true,
  exitCodes: true,
};

/**
 * Docker Engine API runtime over dockerode; serves Docker and Podman's Docker-compatible socket.
 * Short requests and long-lived streams use separate connection pools, so open event, stats and
 * log streams never hold up a list or an inspect.
 */
/** One message of a pull or build JSON-lines stream, as the engine writes them (every field optional). */
interface ProgressMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  /** Build output text. */
  stream?: string;
  /** Build results: the image ID. */
  aux?: { ID?: string };
  error?: string;
}

export class DockerRuntime implements ContainerRuntime {
  readonly label: string;
  readonly endpoint: string;
  readonly capabilities = CAPABILITIES;
  /** Short requests (keep-alive pool). */
  protected readonly docker: Docker;
  /** Long-lived streams (their own pool). */
  protected readonly streamer: Docker;
  private readonly agents: Agent[] = [];
  private readonly subs = new Set<ManagedSubscription>();
  private readonly lifetime = new AbortController();

  private readonly requestTimeoutMs: number;
  private readonly lifecycleTimeoutMs: number;
  private readonly pingTimeoutMs: number;

  constructor(
    readonly id: 'docker' | 'podman',
    private readonly ep: DockerEndpoint,
    o: DockerRuntimeOptions = {},
  ) {
    this.requestTimeoutMs = o.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.lifecycleTimeoutMs = o.requestTimeoutMs ?? LIFECYCLE_TIMEOUT_MS;
    this.pingTimeoutMs =
      ep.protocol === 'ssh' ? this.requestTimeoutMs : Math.min(PING_TIMEOUT_MS, this.requestTimeoutMs);
    // (PodmanRuntime, a subclass, is what select.ts creates for 'podman'.)
    this.label = RUNTIME_LABELS[id];
    this.endpoint = ep.url;
    const make = (keepAlive: boolean) => {
      // ssh:// endpoints get their agent from docker-modem (a connection over ssh2).
      let agent: Agent | undefined;
      if (ep.protocol !== 'ssh') {
        agent =
          ep.protocol === 'https'
            ? new HttpsAgent({
                keepAlive,
                timeout: IDLE_SOCKET_MS,
                ca: ep.ca,
                cert: ep.cert,
                key: ep.key,
                rejectUnauthorized: !ep.skipTLSVerify,
              })
            : new Agent({ keepAlive, timeout: IDLE_SOCKET_MS });
        this.agents.push(agent);
      }
      return new Docker({
        socketPath: ep.socketPath,
        protocol: ep.protocol,
        host: ep.host,
        port: ep.port,
        username: ep.username,
        ca: ep.ca,
        cert: ep.cert,
        key: ep.key,
        sshOptions: ep.sshOptions,
        agent,
      } as Docker.DockerOptions);
    };
    this.docker = make(true);
    this.streamer = make(false);
  }

  // ---- plumbing ----

  protected fail(err: unknown): RuntimeError {
    // The endpoint knows its own failure modes (ssh host keys, logins) better than the generic mapping.
    return this.ep.explainError?.(err) ?? fromEngineError(err, this.id, this.endpoint);
  }

  /** A short request with a time-out, cancellable by the caller and by close(). */
  protected async call<T>(
    fn: (signal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signals = [timeout, this.lifetime.signal, ...(signal ? [signal] : [])];
    const combined = AbortSignal.any(signals);
    try {
      // Raced against the signal too: a call that does not pass it on (or a library that does not
      // honour it) still ends at the time-out instead of waiting on a silent engine forever.
      return await untilAborted(fn(combined), combined);
    } catch (err) {
      if (timeout.aborted && !signal?.aborted && !this.lifetime.signal.aborted)
        (err as { code?: string }).code = 'ETIMEDOUT';
      throw this.fail(err);
    }
  }

  /** Where an answer came from, for messages. */
  protected origin(path: string): Origin {
    return { label: this.label, path };
  }

  /**
   * A GET (or a POST without a body) whose JSON answer is read bounded (boundedRequest.ts), under
   * the request time-out and the caller's signal. Error answers become EngineHttpErrors (mapped by
   * fromEngineError like dockerode's); a body that is too large, cut short or not JSON becomes a
   * RuntimeError that names the engine and the path.
   */
  protected async getJson(
    path: string,
    o: { query?: BoundedRequest['query']; signal?: AbortSignal; timeoutMs?: number; text?: boolean } = {},
  ): Promise<unknown> {
    return this.call(
      async (signal) => {
        let a;
        try {
          a = await boundedRequest(this.docker.modem as unknown as Dialer, { path, query: o.query, signal });
        } catch (err) {
          throw err instanceof BodyError ? this.bodyFailure(path, err) : err;
        }
        if (a.status >= 300) throw httpError(a);
        if (o.text) return a.body.toString('utf8');
        const text = a.body.toString('utf8');
        try {
          return JSON.parse(text) as unknown;
        } catch {
          const what = /^\s*</.test(text)
            ? 'an HTML page, not JSON'
            : text.trim()
              ? 'something that is not JSON'
              : 'an empty answer';
          throw new MalformedAnswer(this.origin(path), what);
        }
      },
      o.signal,
      o.timeoutMs,
    );
  }

  private bodyFailure(path: string, err: BodyError): RuntimeError {
    if (err.kind === 'tooLarge')
      return new RuntimeError(
        'internal',
        `${this.label} answered ${path} with ${err.message}, more than is accepted (${this.endpoint}).`,
        'No engine sends that much for this request; check what listens at the address.',
        { cause: err },
      );
    return new RuntimeError(
      'unavailable',
      `${this.label} closed the connection in the middle of its answer to ${path} (${this.endpoint}).`,
      'The engine may have stopped or restarted; try again.',
      { cause: err },
    );
  }

  /**
   * Opens a long-lived answer (events, logs, stats) with a time-out on the open only (`openTimeoutMs`
   * 0: none, the caller having just had an answer from the engine).
   */
  protected openStreamAt(
    path: string,
    query: BoundedRequest['query'],
    signal?: AbortSignal,
    openTimeoutMs = this.requestTimeoutMs,
  ): Promise<Readable> {
    const signals = [this.lifetime.signal, ...(signal ? [signal] : [])];
    return openStreamRequest(this.streamer.modem as unknown as Dialer, {
      path,
      query,
      signal: AbortSignal.any(signals),
      openTimeoutMs,
    });
  }

  private container(id: string): Docker.Container {
    // dockerode puts the id into the request path as it is: a name with spaces, `;` or `/` must
    // reach the engine as one path segment (and be "no such container"), not break or bend the URL.
    return this.docker.getContainer(encodeURIComponent(id));
  }

  /** Opens a stream and ties it to a subscription: closing one ends the other. */
  private track(
    stream: Readable,
    onChunk: (b: Buffer) => void,
    onEnd: () => void,
    onError?: (e: Error) => void,
  ): ManagedSubscription {
    const sub = new ManagedSubscription(this.subs, () => stream.destroy());
    stream.on('data', (b: Buffer) => {
      if (!sub.isEnded) onChunk(b);
    });
    const end = () => {
      if (!sub.isEnded) {
        onEnd();
        sub.finish();
      }
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', (e) => {
      if (!sub.isEnded) onError?.(this.fail(e));
      end();
    });
    return sub;
  }

  // ---- queries ----

  async ping(signal?: AbortSignal): Promise<void> {
    await this.getJson('/_ping', { signal, timeoutMs: this.pingTimeoutMs, text: true });
  }

  async info(signal?: AbortSignal): Promise<RuntimeInfo> {
    const origin = this.origin('/version');
    const v = topObject(
      await this.getJson('/version', { signal, timeoutMs: this.pingTimeoutMs }),
      origin,
      'a version document',
    );
    const f = new Shape(origin, 'a version document');
    const podman = f.objects(v, 'Components').some((c) => /podman/i.test(f.str(c, 'Name') ?? ''));
    return {
      runtime: this.id,
      name: podman ? 'Podman Engine' : f.str(f.obj(v, 'Platform') ?? {}, 'Name') || 'Docker Engine',
      version: f.str(v, 'Version') ?? '',
      apiVersion: f.str(v, 'ApiVersion') ?? '',
      os: f.str(v, 'Os') ?? '',
      arch: f.str(v, 'Arch') ?? '',
      endpoint: this.endpoint,
      capabilities: CAPABILITIES,
    };
  }

  async listContainers(options: ListOptions = {}): Promise<ContainerSummary[]> {
    if (options.ids?.length === 0) return [];
    // An absent filter must be left out: `filters=` alone is a JSON error to Podman.
    const query = { all: options.all ?? true, ...(options.ids ? { filters: { id: options.ids } } : {}) };
    const list = await this.getJson('/containers/json', { query, signal: options.signal });
    return toSummaries(list, this.origin('/containers/json'));
  }

  async inspect(id: string, signal?: AbortSignal): Promise<ContainerDetails> {
    const path = `/containers/${encodeURIComponent(id)}/json`;
    return toDetails(await this.getJson(path, { signal }), this.origin(path));
  }

  // ---- lifecycle ----

  async createContainer(o: CreateContainerOptions): Promise<string> {
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostPort: string; HostIp?: string }[]> = {};
    for (const p of o.ports ?? []) {
      const key = `${p.containerPort}/${p.protocol || 'tcp'}`;
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostPort: p.hostPort ? String(p.hostPort) : '', HostIp: p.hostIp });
    }
    const c = await this.call(
      (abortSignal) =>
        this.docker.createContainer({
          abortSignal,
          Image: o.image,
          name: o.name,
          Cmd: o.cmd,
          Entrypoint: o.entrypoint,
          Env: o.env ? Object.entries(o.env).map(([k, v]) => `${k}=${v}`) : undefined,
          Labels: o.labels,
          WorkingDir: o.workingDir,
          User: o.user,
          Hostname: o.host?.hostname,
          Tty: o.tty ?? false,
          OpenStdin: o.openStdin ?? false,
          ExposedPorts: o.ports?.length ? exposed : undefined,
          HostConfig: {
            ...hostConfigOf(o.host),
            ...this.mountConfig(o.mounts),
            PortBindings: o.ports?.length ? bindings : undefined,
            AutoRemove: o.autoRemove ?? false,
          },
        }),
      undefined,
      this.lifecycleTimeoutMs,
    );
    return c.id;
  }

  /** HostConfig for the mounts: the structured Mounts list (Podman overrides this). */
  protected mountConfig(mounts: CreateContainerOptions['mounts']): Pick<Docker.HostConfig, 'Mounts' | 'Binds'> {
    return {
      Mounts: mounts?.map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly ?? false })),
    };
  }

  async start(id: string): Promise<void> {
    await this.call(
      (abortSignal) => this.container(id).start({ abortSignal }),
      undefined,
      this.lifecycleTimeoutMs,
    ).catch(ignoreNotModified);
  }

  async stop(id: string, timeoutSeconds?: number): Promise<void> {
    const t = timeoutSeconds === undefined ? {} : { t: timeoutSeconds };
    await this.call(
      (abortSignal) => this.container(id).stop({ ...t, abortSignal }),
      undefined,
      this.lifecycleTimeoutMs + (timeoutSeconds ?? 10) * 1000,
    ).catch(ignoreNotModified);
  }

  async restart(id: string, timeoutSeconds?: number): Promise<void> {
    const t = timeoutSeconds === undefined ? {} : { t: timeoutSeconds };
    await this.call(
      (abortSignal) => this.container(id).restart({ ...t, abortSignal }),
      undefined,
      this.lifecycleTimeoutMs + (timeoutSeconds ?? 10) * 1000,
    );
  }

  async pause(id: string): Promise<void> {
    await this.call((abortSignal) => this.container(id).pause({ abortSignal }), undefined, this.lifecycleTimeoutMs);
  }

  async unpause(id: string): Promise<void> {
    await this.call((abortSignal) => this.container(id).unpause({ abortSignal }), undefined, this.lifecycleTimeoutMs);
  }

  async kill(id: string, signal?: string): Promise<void> {
    await this.call(
      (abortSignal) => this.container(id).kill({ ...(signal ? { signal } : {}), abortSignal }),
      undefined,
      this.lifecycleTimeoutMs,
    );
  }

  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    await this.call(
      (abortSignal) =>
        this.container(id).remove({ force: options.force ?? false, v: options.volumes ?? false, abortSignal }),
      undefined,
      this.lifecycleTimeoutMs,
    );
  }

  async listVolumes(signal?: AbortSignal): Promise<VolumeSummary[]> {
    return toVolumes(await this.getJson('/volumes', { signal }), this.origin('/volumes'));
  }

  async diskUsage(signal?: AbortSignal): Promise<DiskUsage> {
    // The engine walks every layer and volume for this: a busy one takes a while.
    const r = await this.getJson('/system/df', { signal, timeoutMs: Math.max(this.requestTimeoutMs, 120_000) });
    return toDiskUsage(r, this.origin('/system/df'));
  }

  async listNetworks(signal?: AbortSignal): Promise<NetworkSummary[]> {
    return toNetworks(await this.getJson('/networks', { signal }), this.origin('/networks'));
  }

  async removeNetwork(idOrName: string): Promise<void> {
    await this.call(
      (abortSignal) => this.docker.getNetwork(encodeURIComponent(idOrName)).remove({ abortSignal }),
      undefined,
      this.lifecycleTimeoutMs,
    );
  }

  async removeVolume(name: string): Promise<void> {
    await this.call(
      (abortSignal) => this.docker.getVolume(encodeURIComponent(name)).remove({ abortSignal }),
      undefined,
      this.lifecycleTimeoutMs,
    );
  }

  async wait(id: string, signal?: AbortSignal): Promise<number> {
    const signals = [this.lifetime.signal, ...(signal ? [signal] : [])];
    try {
      const r: unknown = await this.streamer
        .getContainer(encodeURIComponent(id))
        .wait({ abortSignal: AbortSignal.any(signals) } as object);
      const path = `/containers/${id}/wait`;
      const code = new Shape(this.origin(path), 'a wait result').num(
        topObject(r, this.origin(path), 'a wait result'),
        'StatusCode',
      );
      return code ?? -1;
    } catch (err) {
      throw this.fail(err);
    }
  }

  // ---- streams ----

  async logs(id: string, o: LogOptions, onChunk: (chunk: LogChunk) => void): Promise<Subscription> {
    const details = await this.inspect(id, o.signal);
    const emit = (stream: 'stdout' | 'stderr', text: string) => onChunk({ stream, text });
    const parser = details.tty ? new RawText(emit) : new FrameDemuxer(emit);
    const opts = {
      stdout: true,
      stderr: true,
      follow: o.follow ?? false,
      timestamps: o.timestamps ?? false,
      tail: o.tail ?? 'all',
    };
    // Always read as a stream (dockerode would buffer a whole non-following answer, however large).
    let out: Readable;
    try {
      // Following, Podman holds its headers back until the container writes a line: the inspect
      // above has just shown the engine and the container there, so no open time-out then.
      const openTimeoutMs = opts.follow ? 0 : this.requestTimeoutMs;
      out = await this.openStreamAt(`/containers/${encodeURIComponent(id)}/logs`, opts, o.signal, openTimeoutMs);
    } catch (err) {
      throw this.fail(err);
    }
    const sub = this.track(
      out,
      (b) => parser.push(b),
      () => parser.end(),
    );
    o.signal?.addEventListener('abort', () => sub.close(), { once: true });
    return sub;
  }

  async exec(id: string, o: ExecOptions): Promise<ExecResult> {
    const exec = await this.call(
      () =>
        this.container(id).exec({
          Cmd: o.cmd,
          AttachStdout: true,
          AttachStderr: true,
          AttachStdin: false,
          Tty: false,
          Env: envList(o.env),
          WorkingDir: o.workingDir,
          User: o.user,
        }),
      o.signal,
    );
    const stream = await this.call(() => exec.start({ hijack: true, stdin: false }), o.signal);
    const out = { stdout: '', stderr: '' };
    let tooMuch: (() => void) | undefined;
    const demux = new FrameDemuxer((s, text) => {
      out[s] += text;
      // Captured output is held in memory: a command that prints without end is stopped, not buffered.
      if (out.stdout.length + out.stderr.length > MAX_EXEC_OUTPUT_CHARS) tooMuch?.();
    });
    await new Promise<void>((resolve, reject) => {
      tooMuch = () => {
        sub.close();
        reject(
          new RuntimeError(
            'internal',
            `The command printed more than ${MAX_EXEC_OUTPUT_CHARS / 1024 / 1024} MiB; its output was not kept.`,
            'Redirect its output to a file in the container, or run it in a terminal.',
          ),
        );
      };
      const onCancel = () => {
        sub.close();
        reject(new RuntimeError('cancelled', 'The command was cancelled.'));
      };
      const onClose = () => reject(new RuntimeError('internal', 'The runtime was closed.'));
      const sub = this.track(
        stream,
        (b) => demux.push(b),
        () => {
          demux.end();
          resolve();
        },
        reject,
      );
      o.signal?.addEventListener('abort', onCancel, { once: true });
      this.lifetime.signal.addEventListener('abort', onClose, { once: true });
      // Listeners on long-lived signals are removed once this exec is over.
      void sub.ended.then(() => {
        o.signal?.removeEventListener('abort', onCancel);
        this.lifetime.signal.removeEventListener('abort', onClose);
      });
    });
    return { exitCode: await this.execExitCode(exec), ...out };
  }

  /** The exec's exit code; the engine may report it a moment after the stream ends. */
  private async execExitCode(exec: Docker.Exec): Promise<number> {
    const path = `/exec/${encodeURIComponent(exec.id)}/json`;
    for (let i = 0; i < 50; i++) {
      const r = topObject(await this.getJson(path), this.origin(path), 'an exec document');
      const f = new Shape(this.origin(path), 'an exec document');
      const code = f.num(r, 'ExitCode');
      if (!f.bool(r, 'Running') && code !== undefined) return code;
      await new Promise((res) => setTimeout(res, 20));
    }
    return -1;
  }

  async execInteractive(id: string, o: InteractiveExecOptions): Promise<InteractiveExec> {
    const exec = await this.call(
      () =>
        this.container(id).exec({
          Cmd: o.cmd,
          AttachStdin: true,
          AttachStdout: true,
          AttachStderr: true,
          Tty: true,
          Env: envList(o.env),
          WorkingDir: o.workingDir,
          User: o.user,
        }),
      o.signal,
    );
    const stream = await this.call(() => exec.start({ hijack: true, stdin: true, Tty: true }), o.signal);
    const output = new OutputRelay();
    const text = new RawText((_s, t) => output.push(t));
    let closedEarly = false;
    const exit = new Promise<number>((resolve) => {
      this.track(
        stream,
        (b) => text.push(b),
        () => {
          text.end();
          if (closedEarly) resolve(-1);
          else this.execExitCode(exec).then(resolve, () => resolve(-1));
        },
      );
    });
    const resize = async (cols: number, rows: number) => {
      await this.call(() => exec.resize({ w: cols, h: rows })).catch(() => undefined); // the process may have ended
    };
    if (o.cols && o.rows) await resize(o.cols, o.rows);
    return {
      write: (data) => {
        stream.write(data);
      },
      resize,
      onData: (l) => output.on(l),
      exit,
      close: () => {
        closedEarly = true;
        stream.destroy();
      },
    };
  }

  async stats(id: string, signal?: AbortSignal): Promise<StatsSample> {
    // stream=false without one-shot: the engine waits for a second sample, so precpu is filled in.
    const path = `/containers/${encodeURIComponent(id)}/stats`;
    const raw = await this.getJson(path, { query: { stream: false }, signal });
    return toStatsSample(id, toRawStats(raw, this.origin(path)));
  }

  subscribeStats(id: string, onSample: (s: StatsSample) => void, onError?: (err: Error) => void): Subscription {
    return this.openStream(
      (signal) => this.openStreamAt(`/containers/${encodeURIComponent(id)}/stats`, { stream: true }, signal),
      (raw) => {
        let s;
        try {
          s = toRawStats(raw, this.origin('/containers/{id}/stats'));
        } catch {
          return; // a sample that is not one is skipped; the next one may be
        }
        // A stopped container's stream keeps sending empty samples: skip them. The first sample of
        // a stream has no previous one (precpu is empty), so its CPU % would be wrong: skip it too.
        if (!s.read || s.read.startsWith('0001-') || s.preread?.startsWith('0001-')) return;
        onSample(toStatsSample(id, s));
      },
      onError,
    );
  }

  subscribeEvents(
    onEvent: (e: RuntimeEvent) => void,
    onError?: (err: Error) => void,
    onResource?: (e: ResourceEvent) => void,
  ): Subscription {
    const type = onResource ? ['container', 'image', 'volume', 'network'] : ['container'];
    return this.openStream(
      (signal) => this.openStreamAt('/events', { filters: { type } }, signal),
      (raw) => {
        const e = toRuntimeEvent(raw);
        if (e) onEvent(e);
        else if (onResource) {
          const r = toResourceEvent(raw);
          if (r) onResource(r);
        }
      },
      onError,
    );
  }

  /** A subscription over a JSON-lines stream that is being opened; closing it early cancels the open. */
  protected openStream(
    open: (signal: AbortSignal) => Promise<Readable>,
    onObject: (v: unknown) => void,
    onError?: (err: Error) => void,
  ): Subscription {
    let inner: ManagedSubscription | undefined;
    // Closed before the engine has answered: the request itself is abandoned (its socket freed).
    const opening = new AbortController();
    const outer = new ManagedSubscription(this.subs, () => {
      opening.abort();
      inner?.close();
    });
    open(opening.signal).then(
      (stream) => {
        if (outer.isEnded) {
          stream.destroy();
          return;
        }
        const lines = new JsonLineSplitter(onObject);
        inner = this.track(
          stream,
          (b) => lines.push(b),
          () => {
            lines.end();
            outer.finish();
          },
          onError,
        );
      },
      (err) => {
        if (!outer.isEnded) onError?.(this.fail(err));
        outer.finish();
      },
    );
    return outer;
  }

  // ---- images ----

  async listImages(signal?: AbortSignal): Promise<ImageSummary[]> {
    return toImages(await this.getJson('/images/json', { signal }), this.origin('/images/json'));
  }

  async removeImage(ref: string, options: { force?: boolean } = {}): Promise<void> {
    await this.call(
      (abortSignal) => this.docker.getImage(imagePath(ref)).remove({ force: options.force ?? false, abortSignal }),
      undefined,
      this.lifecycleTimeoutMs,
    );
  }

  async tagImage(source: string, target: string): Promise<void> {
    const { repo, tag } = splitReference(checkReference(target));
    await this.call(
      (abortSignal) => this.docker.getImage(imagePath(source)).tag({ repo, tag, abortSignal }),
      undefined,
      this.lifecycleTimeoutMs,
    );
  }

  async imageExists(ref: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.getJson(`/images/${ref.split('/').map(encodeURIComponent).join('/')}/json`, { signal });
      return true;
    } catch (err) {
      if (err instanceof RuntimeError && err.code === 'notFound') return false;
      throw err;
    }
  }

  async imageUser(ref: string, signal?: AbortSignal): Promise<string> {
    const j = (await this.getJson(`/images/${ref.split('/').map(encodeURIComponent).join('/')}/json`, {
      signal,
    })) as { Config?: { User?: unknown } } | undefined;
    return typeof j?.Config?.User === 'string' ? j.Config.User : '';
  }

  async pullImage(ref: string, onProgress?: (p: ProgressEvent) => void, signal?: AbortSignal): Promise<void> {
    const stream = await this.call(() => this.streamer.pull(ref) as Promise<Readable>, signal);
    await this.followProgress(
      stream,
      (m) => {
        const d = m.progressDetail;
        onProgress?.({
          message: String(m.status ?? ''),
          id: m.id,
          current: d?.current,
          total: d?.total,
        });
      },
      signal,
    );
  }

  async buildImage(o: BuildOptions, onProgress?: (p: ProgressEvent) => void): Promise<string> {
    let src: string[];
    try {
      src = readdirSync(o.context);
    } catch (err) {
      throw new RuntimeError('invalidArgument', `Cannot read the build context ${o.context}.`, undefined, {
        cause: err,
      });
    }
    const query = buildQuery(o, this.id === 'podman' ? 'podman' : 'docker');
    const stream = await this.call(
      () => this.streamer.buildImage({ context: o.context, src }, query) as Promise<Readable>,
      o.signal,
    );
    let imageId = '';
    await this.followProgress(
      stream,
      (m) => {
        const aux = m.aux;
        if (aux?.ID) imageId = aux.ID;
        if (typeof m.stream === 'string') {
          const built = /Successfully built ([0-9a-f]+)/.exec(m.stream);
          if (built && !imageId) imageId = built[1];
          for (const line of m.stream.split('\n').filter((l) => l.trim())) onProgress?.({ message: line.trimEnd() });
        }
      },
      o.signal,
    );
    if (!imageId) imageId = (await this.call(() => this.docker.getImage(o.tag).inspect())).Id;
    return imageId;
  }

  /** Reads a pull/build JSON-lines stream to its end; an `error` message in it fails the operation. */
  private followProgress(
    stream: Readable,
    onMessage: (m: ProgressMessage) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      let failed: RuntimeError | undefined;
      const lines = new JsonLineSplitter((v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return; // not a progress message
        const m = v as ProgressMessage;
        if (m.error) failed ??= new RuntimeError('internal', String(m.error).split('\n')[0].trim());
        else onMessage(m);
      });
      const sub = this.track(
        stream,
        (b) => lines.push(b),
        () => {
          lines.end();
          if (signal?.aborted) reject(new RuntimeError('cancelled', 'Cancelled.'));
          else if (failed) reject(failed);
          else resolve();
        },
        reject,
      );
      // Closing marks the stream ended before its 'close' event, so the end handler above would not run.
      signal?.addEventListener(
        'abort',
        () => {
          sub.close();
          reject(new RuntimeError('cancelled', 'Cancelled.'));
        },
        { once: true },
      );
    });
  }

  close(): Promise<void> {
    if (!this.lifetime.signal.aborted) {
      this.lifetime.abort();
      for (const s of [...this.subs]) s.close();
      for (const a of this.agents) a.destroy();
    }
    return Promise.resolve();
  }

  /** Open subscriptions: events, stats, logs, exec streams (ContainerRuntime.openStreams). */
  get openStreams(): number {
    return this.subs.size;
  }
}

/**
 * A build's options Podman's Docker-compatible /build does not honour as dockerd does (callers warn
 * and leave them out): its RUN steps always use the host's network (`networkmode` is read as a
 * policy, not a network), and it reads `cachefrom` as registry repositories for its layer cache
 * (4.3 ignores it; later versions refuse a tagged image name), not as local images.
 */
export function buildUnsupportedOnPodman(o: BuildOptions): (keyof BuildOptions)[] {
  const out: (keyof BuildOptions)[] = [];
  if (o.network && o.network !== 'host' && o.network !== 'default') out.push('network');
  if (o.cacheFrom?.length) out.push('cacheFrom');
  return out;
}

/**
 * The /build query parameters of a build. What is not set is left out: an empty `buildargs=` or
 * `labels=` is a JSON error to Podman. forcerm: a failed step's container is removed too, so failed
 * builds leave nothing behind. dockerode sends `cachefrom` as a JSON array; `extrahosts` is one
 * parameter per host to dockerd and a JSON array to Podman's compat API. What Podman would not
 * honour is refused with its name, never dropped silently.
 */
export function buildQuery(o: BuildOptions, engine: 'docker' | 'podman'): Record<string, unknown> {
  const other = engine === 'podman' ? buildUnsupportedOnPodman(o) : [];
  if (other.length)
    throw new RuntimeError(
      'invalidArgument',
      `Podman cannot build with ${other.join(', ')} as Docker does.`,
      'Leave these out of the dev container config (build.options, build.cacheFrom) or use Docker.',
    );
  const hosts = o.extraHosts?.length ? o.extraHosts : undefined;
  return defined({
    t: o.tag,
    dockerfile: o.dockerfile ?? 'Dockerfile',
    target: o.target,
    buildargs: o.buildArgs,
    labels: o.labels,
    nocache: o.noCache || undefined,
    pull: o.pull || undefined,
    networkmode: o.network || undefined,
    platform: o.platform || undefined,
    extrahosts: hosts && (engine === 'podman' ? JSON.stringify(hosts) : hosts),
    shmsize: o.shmSize,
    cachefrom: o.cacheFrom?.length ? o.cacheFrom : undefined,
    rm: true,
    forcerm: true,
  });
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function envList(env: Record<string, string> | undefined): string[] | undefined {
  return env ? Object.entries(env).map(([k, v]) => `${k}=${v}`) : undefined;
}

/** 304: already started / already stopped — not an error for the user. */
function ignoreNotModified(err: unknown): void {
  const cause = (err as { cause?: { statusCode?: number } }).cause;
  if (cause?.statusCode === 304) return;
  throw err;
}

/** Rejects with an AbortError when the signal fires first (the promise itself is left to settle). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as it came
        reject(e);
      },
    );
  });
}

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

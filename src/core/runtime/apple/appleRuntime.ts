/**
 * Apple Containers (macOS 26, Apple silicon) through Apple's `container` CLI. There is no engine API
 * and no event stream: everything is a CLI call with an argument array and a time-out, events are
 * derived by polling `container ls` while subscribed, and CPU % comes from two stats snapshots.
 */
import { toNetworks, toVolumes } from './resources';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { escapeControl } from '../../text/escapeControl';
import { RuntimeError } from '../errors';
import { ManagedSubscription } from '../streams/subscription';
import type {
  BuildOptions,
  ContainerDetails,
  ContainerRuntime,
  ContainerSummary,
  ContainerHostOptions,
  CreateContainerOptions,
  ExecOptions,
  ExecResult,
  DiskUsage,
  ImageSummary,
  NetworkSummary,
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
import { AppleCli, terminate, type CliResult } from './cli';
import { fromCliFailure, isCliError, serviceDown, USAGE_EXIT_CODE } from './errors';
import { ContainerPoller } from './events';
import { Pool } from './pool';
import {
  cpuPercent,
  exitCodeOf,
  normalizeImageRef,
  parseContainers,
  parseJson,
  parseStats,
  parseSystemStatus,
  parseSystemVersion,
  parseVersionText,
  toDetails,
  toImageSummaries,
  toSummary,
  type AppleStats,
  type AppleSystemStatus,
  type AppleVersions,
} from './parse';
import { OutputRelay } from '../streams/outputRelay';

const CAPABILITIES: RuntimeCapabilities = {
  pause: false,
  eventsPushed: false,
  restart: true,
  build: true,
  exitCodes: false,
};

export interface AppleRuntimeOptions {
  /** The `container` executable; default `container` on PATH. */
  cliPath?: string;
  /** Time-out of short calls (list, inspect, start, …); default 15 s. */
  timeoutMs?: number;
  /** How often events are derived from `container ls` while subscribed; default 2 s. */
  pollIntervalMs?: number;
  /** How often subscribeStats samples; default 2 s. */
  statsIntervalMs?: number;
  /** Gap between the two snapshots a lone stats() call needs for CPU %; default 1 s. */
  statsWindowMs?: number;
  /** How often wait() inspects; default 1 s. */
  waitIntervalMs?: number;
  /** Time-out of exec; default 10 min. */
  execTimeoutMs?: number;
  /** Extra environment for the CLI (tests point a fake at its state with it). Never logged. */
  env?: Record<string, string>;
}

interface StatsPoint {
  stats: AppleStats;
  /** ms since the epoch, when the snapshot came back. */
  at: number;
}

const PULL_TIMEOUT_MS = 30 * 60_000;
const BUILD_TIMEOUT_MS = 2 * 3600_000;
/** A previous snapshot younger than this is good enough to compute CPU % against… */
const STATS_REUSE_MS = 30_000;
/** …when it is at least this much older than the new one (a shorter window is mostly noise). */
const MIN_CPU_WINDOW_MS = 250;
/** CLI calls about one container (inspect, stats, stop, …) at once: a selection of 50 starts 4 processes, not 50. */
const PER_CONTAINER_CALLS = 4;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new RuntimeError('cancelled', 'Cancelled.'));
      return;
    }
    const onAbort = () => {
      clearTimeout(t);
      reject(new RuntimeError('cancelled', 'Cancelled.'));
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Ids and names go to the CLI as positional arguments: one that starts with "-" would be read as an
 * option, and no container id has control characters (a NUL could not even be passed).
 */
function checkId(id: string, what = 'container id'): string {
  // eslint-disable-next-line no-control-regex
  if (typeof id !== 'string' || !id || id.startsWith('-') || /[\u0000-\u001f\u007f-\u009f]/.test(id))
    throw new RuntimeError(
      'invalidArgument',
      `Not a valid ${what}: "${escapeControl(String(id), { maxLength: 80 })}".`,
    );
  return id;
}

function envFlags(env: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env ?? {})) {
    if (!k || k.includes('='))
      throw new RuntimeError('invalidArgument', `Not a valid environment variable name: "${k}".`);
    out.push('-e', `${k}=${v}`);
  }
  return out;
}

function progressLine(line: string): string {
  // Progress bars redraw with \r: keep what was drawn last.
  return (
    line
      .split('\r')
      .filter((s) => s.trim())
      .pop() ?? ''
  )
    .replace(ANSI, '')
    .trim();
}

/** The ContainerHostOptions Apple's `container create` can express: -c, -m, --network. */
export const APPLE_HOST_OPTIONS: readonly (keyof ContainerHostOptions)[] = ['cpus', 'memory', 'network'];

/** The host options set that Apple's CLI has no flag for (callers warn and leave them out). */
export function unsupportedOnApple(h: ContainerHostOptions | undefined): (keyof ContainerHostOptions)[] {
  if (!h) return [];
  return (Object.keys(h) as (keyof ContainerHostOptions)[]).filter((k) => {
    const v = h[k];
    const set = Array.isArray(v) ? v.length > 0 : v && typeof v === 'object' ? Object.keys(v).length > 0 : !!v;
    return set && !APPLE_HOST_OPTIONS.includes(k);
  });
}

/** -c / -m / --network; anything else set is refused with its name, never dropped silently. */
function appleHostFlags(h: ContainerHostOptions | undefined): string[] {
  const other = unsupportedOnApple(h);
  if (other.length)
    throw new RuntimeError(
      'invalidArgument',
      `Apple Containers cannot set ${other.join(', ')} on a container.`,
      'Leave these out of the dev container config (runArgs, capAdd, privileged, …) or use Docker or Podman.',
    );
  const out: string[] = [];
  if (h?.cpus !== undefined) out.push('-c', String(Math.max(1, Math.ceil(h.cpus))));
  if (h?.memory !== undefined) out.push('-m', `${Math.max(1, Math.ceil(h.memory / 2 ** 20))}M`);
  if (h?.network) out.push('--network', h.network);
  return out;
}

/** A build's options that `container build` has no flag for (callers warn and leave them out). */
export function buildUnsupportedOnApple(o: BuildOptions): (keyof BuildOptions)[] {
  const out: (keyof BuildOptions)[] = [];
  if (o.pull) out.push('pull');
  if (o.network) out.push('network');
  // --platform os/arch is --os and --arch (which every 1.x CLI has); a variant has no flag.
  if (o.platform && !/^[a-z0-9][\w.-]*\/[a-z0-9][\w.-]*$/i.test(o.platform)) out.push('platform');
  if (o.extraHosts?.length) out.push('extraHosts');
  if (o.shmSize !== undefined) out.push('shmSize');
  if (o.cacheFrom?.length) out.push('cacheFrom');
  return out;
}

/**
 * `container build`'s argv: -t, -f, --target, --no-cache, --os/--arch, --build-arg, --label, the
 * context. What it has no flag for is refused with its name, never dropped silently.
 */
export function appleBuildArgs(o: BuildOptions, context: string): string[] {
  const other = buildUnsupportedOnApple(o);
  if (other.length)
    throw new RuntimeError(
      'invalidArgument',
      `Apple Containers cannot build with ${other.join(', ')}.`,
      'Leave these out of the dev container config (build.options, build.cacheFrom) or use Docker or Podman.',
    );
  const dockerfile = o.dockerfile ?? 'Dockerfile';
  const args = ['build', '-t', o.tag, '-f', isAbsolute(dockerfile) ? dockerfile : join(context, dockerfile)];
  if (o.target) args.push('--target', o.target);
  if (o.noCache) args.push('--no-cache');
  if (o.platform) {
    const [os, arch] = o.platform.split('/');
    args.push('--os', os, '--arch', arch);
  }
  for (const [k, v] of Object.entries(o.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(o.labels ?? {})) args.push('--label', `${k}=${v}`);
  args.push(context);
  return args;
}

export class AppleRuntime implements ContainerRuntime {
  readonly id = 'apple' as const;
  readonly label = RUNTIME_LABELS.apple;
  readonly endpoint: string;
  readonly capabilities = CAPABILITIES;

  private readonly cli: AppleCli;
  private readonly subs = new Set<ManagedSubscription>();
  private readonly lifetime = new AbortController();
  private readonly poller: ContainerPoller;
  private readonly lastStats = new Map<string, StatsPoint>();
  private readonly o: Required<Omit<AppleRuntimeOptions, 'cliPath' | 'env'>>;
  private readonly perContainer = new Pool(PER_CONTAINER_CALLS);
  private closing: Promise<void> | undefined;

  constructor(options: AppleRuntimeOptions = {}) {
    const cliPath = options.cliPath || findOnPath('container') || 'container';
    this.endpoint = cliPath;
    this.o = {
      timeoutMs: options.timeoutMs ?? 15_000,
      pollIntervalMs: options.pollIntervalMs ?? 2_000,
      statsIntervalMs: options.statsIntervalMs ?? 2_000,
      statsWindowMs: options.statsWindowMs ?? 1_000,
      waitIntervalMs: options.waitIntervalMs ?? 1_000,
      execTimeoutMs: options.execTimeoutMs ?? 10 * 60_000,
    };
    this.cli = new AppleCli(cliPath, this.o.timeoutMs, options.env);
    this.poller = new ContainerPoller((signal) => this.listRaw(signal), this.o.pollIntervalMs);
  }

  // ---- plumbing ----

  /** The caller's signal joined with close(). */
  private signal(signal?: AbortSignal): AbortSignal {
    return signal ? AbortSignal.any([signal, this.lifetime.signal]) : this.lifetime.signal;
  }

  private run(
    args: string[],
    o: {
      signal?: AbortSignal;
      timeoutMs?: number;
      allowFailure?: boolean;
      what?: string;
      onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
      /** A call about one container: waits for one of the PER_CONTAINER_CALLS slots. */
      perContainer?: boolean;
    } = {},
  ): Promise<CliResult> {
    const signal = this.signal(o.signal);
    const call = () => this.cli.run(args, { ...o, signal });
    return o.perContainer ? this.perContainer.run(call, signal) : call();
  }

  /** After a change made through this runtime, event subscribers hear of it at once (one extra list). */
  private async changed(): Promise<void> {
    if (this.poller.active) await this.poller.refresh();
  }

  private async listRaw(signal?: AbortSignal): Promise<unknown[]> {
    // Always --all: up to 0.9 the JSON output ignored the flag; we filter ourselves.
    const r = await this.run(['ls', '--all', '--format', 'json'], { signal, what: 'ls' });
    return parseContainers(parseJson(r.stdout, 'container ls'));
  }

  private async inspectRaw(id: string, signal?: AbortSignal): Promise<unknown> {
    const r = await this.run(['inspect', checkId(id)], { signal, what: `inspect ${id}`, perContainer: true });
    const list = parseContainers(parseJson(r.stdout, 'container inspect'), 'container inspect');
    const found = list.find((c) => toSummary(c).id === id) ?? list[0];
    if (!found) throw new RuntimeError('notFound', `No such container: ${id}.`);
    return found;
  }

  // ---- queries ----

  private async systemStatus(signal?: AbortSignal): Promise<AppleSystemStatus> {
    const r = await this.run(['system', 'status', '--format', 'json'], {
      signal,
      allowFailure: true,
      what: 'system status',
    });
    const text = `${r.stdout}\n${r.stderr}`;
    if (/apiserver is not running/i.test(text)) throw serviceDown();
    if (r.exitCode === USAGE_EXIT_CODE) {
      // A CLI without `--format json` here: read its words.
      const plain = await this.run(['system', 'status'], { signal, allowFailure: true, what: 'system status' });
      const words = `${plain.stdout}\n${plain.stderr}`;
      if (plain.exitCode !== 0 || /not running/i.test(words)) throw serviceDown();
      return { running: true, status: 'running' };
    }
    let status: AppleSystemStatus | undefined;
    try {
      status = parseSystemStatus(parseJson(r.stdout, 'container system status'));
    } catch {
      // not JSON: judged by the exit code below
    }
    if (status && !status.running) throw serviceDown();
    if (r.exitCode !== 0) throw fromCliFailure(r, 'system status');
    return status ?? { running: true, status: 'running' };
  }

  private async versions(signal?: AbortSignal): Promise<AppleVersions> {
    const r = await this.run(['system', 'version', '--format', 'json'], {
      signal,
      allowFailure: true,
      what: 'system version',
    });
    if (r.exitCode === 0) {
      try {
        const v = parseSystemVersion(parseJson(r.stdout, 'container system version'));
        if (v.cli || v.server) return v;
      } catch {
        // fall back to --version
      }
    }
    const plain = await this.run(['--version'], { signal, what: '--version' });
    return { cli: parseVersionText(plain.stdout) };
  }

  async ping(signal?: AbortSignal): Promise<void> {
    await this.systemStatus(signal);
  }

  async info(signal?: AbortSignal): Promise<RuntimeInfo> {
    const status = await this.systemStatus(signal);
    const v = await this.versions(signal);
    return {
      runtime: 'apple',
      name: 'container',
      version: v.server ?? status.serverVersion ?? v.cli ?? 'unknown',
      os: 'linux',
      arch: process.platform === 'darwin' ? process.arch : undefined,
      endpoint: this.endpoint,
      capabilities: CAPABILITIES,
    };
  }

  async listContainers(options: ListOptions = {}): Promise<ContainerSummary[]> {
    const now = Date.now();
    if (options.ids?.length === 0) return [];
    const wanted = options.ids;
    const all = (await this.listRaw(options.signal))
      .map((c) => toSummary(c, now))
      .filter((c) => c.id && (!wanted || wanted.some((w) => c.id.startsWith(w))));
    return options.all === false ? all.filter((c) => c.state === 'running') : all;
  }

  async inspect(id: string, signal?: AbortSignal): Promise<ContainerDetails> {
    return toDetails(await this.inspectRaw(id, signal));
  }

  // ---- lifecycle ----

  /** `container create` flags for the options; never a shell string. */
  static createArgs(o: CreateContainerOptions): string[] {
    if (!o.image || o.image.startsWith('-'))
      throw new RuntimeError('invalidArgument', `Not a valid image reference: "${o.image}".`);
    const args = ['create'];
    if (o.name !== undefined) args.push('--name', checkId(o.name));
    args.push(...envFlags(o.env));
    for (const [k, v] of Object.entries(o.labels ?? {})) args.push('-l', `${k}=${v}`);
    if (o.workingDir) args.push('-w', o.workingDir);
    if (o.user) args.push('-u', o.user);
    if (o.tty) args.push('-t');
    if (o.openStdin) args.push('-i');
    if (o.autoRemove) args.push('--rm');
    if (o.sshAgent) args.push('--ssh');
    args.push(...appleHostFlags(o.host));
    for (const m of o.mounts ?? []) {
      if (!m.source || !m.target) throw new RuntimeError('invalidArgument', 'A mount needs a source and a target.');
      const source = m.type === 'bind' ? resolvePath(m.source) : m.source;
      if (!source.includes(':') && !m.target.includes(':')) {
        args.push('-v', `${source}:${m.target}${m.readOnly ? ':ro' : ''}`);
      } else if (!source.includes(',') && !m.target.includes(',')) {
        args.push('--mount', `type=${m.type},source=${source},target=${m.target}${m.readOnly ? ',readonly' : ''}`);
      } else {
        throw new RuntimeError('invalidArgument', `Cannot mount "${m.source}": the path has both ":" and ",".`);
      }
    }
    for (const p of o.ports ?? []) {
      const host = p.hostPort ?? p.containerPort;
      const ip = p.hostIp ? `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:` : '';
      const proto = p.protocol && p.protocol !== 'tcp' ? `/${p.protocol}` : '';
      args.push('-p', `${ip}${host}:${p.containerPort}${proto}`);
    }
    let cmd = o.cmd ?? [];
    if (o.entrypoint?.length) {
      // Apple's --entrypoint takes one executable; the rest of a longer entrypoint goes before the command.
      args.push('--entrypoint', o.entrypoint[0]);
      cmd = [...o.entrypoint.slice(1), ...cmd];
    }
    args.push(o.image, ...cmd);
    return args;
  }

  async createContainer(o: CreateContainerOptions): Promise<string> {
    const r = await this.run(AppleRuntime.createArgs(o), {
      what: `create ${o.name ?? o.image}`,
      timeoutMs: Math.max(this.o.timeoutMs, 120_000),
    });
    const id = r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop();
    if (!id) throw new RuntimeError('internal', 'container create printed no id.');
    await this.changed();
    return id;
  }

  async start(id: string): Promise<void> {
    const r = await this.run(['start', checkId(id)], {
      allowFailure: true,
      what: `start ${id}`,
      timeoutMs: Math.max(this.o.timeoutMs, 60_000),
      perContainer: true,
    });
    if (r.exitCode !== 0 && !/already running/i.test(r.stderr)) throw fromCliFailure(r, `start ${id}`);
    await this.changed();
  }

  async stop(id: string, timeoutSeconds?: number): Promise<void> {
    const t = timeoutSeconds === undefined ? [] : ['-t', String(Math.max(0, Math.round(timeoutSeconds)))];
    await this.run(['stop', ...t, checkId(id)], {
      what: `stop ${id}`,
      timeoutMs: this.o.timeoutMs + (timeoutSeconds ?? 5) * 1000,
      perContainer: true,
    });
    await this.changed();
  }

  /** Apple's CLI has no restart: stop, then start. */
  async restart(id: string, timeoutSeconds?: number): Promise<void> {
    await this.stop(id, timeoutSeconds);
    await this.start(id);
  }

  pause(_id: string): Promise<void> {
    return Promise.reject(new RuntimeError('invalidArgument', 'Apple Containers cannot pause containers.'));
  }

  unpause(_id: string): Promise<void> {
    return Promise.reject(new RuntimeError('invalidArgument', 'Apple Containers cannot pause containers.'));
  }

  async kill(id: string, signal?: string): Promise<void> {
    const s = signal ? ['-s', signal] : [];
    await this.run(['kill', ...s, checkId(id)], { what: `kill ${id}`, perContainer: true });
    await this.changed();
  }

  async listVolumes(signal?: AbortSignal): Promise<VolumeSummary[]> {
    const r = await this.run(['volume', 'list', '--format', 'json'], { signal, what: 'volume list' });
    return toVolumes(parseJson(r.stdout, 'container volume list'));
  }

  /** Apple's CLI has no disk-usage report: the image list's sizes, nothing for containers or volumes. */
  async diskUsage(signal?: AbortSignal): Promise<DiskUsage> {
    const images = new Map<string, { size: number }>();
    for (const i of await this.listImages(signal)) images.set(i.id.replace(/^sha256:/, ''), { size: i.size });
    return { images, containers: new Map(), volumes: new Map() };
  }

  /** Networks need macOS 26: on an older system the CLI's refusal is what the caller is told. */
  async listNetworks(signal?: AbortSignal): Promise<NetworkSummary[]> {
    const r = await this.run(['network', 'list', '--format', 'json'], { signal, what: 'network list' });
    return toNetworks(parseJson(r.stdout, 'container network list'));
  }

  async removeNetwork(idOrName: string): Promise<void> {
    if (idOrName === 'default')
      throw new RuntimeError('invalidArgument', 'The default network of Apple Containers cannot be removed.');
    await this.run(['network', 'delete', checkId(idOrName, 'network name')], { what: `network delete ${idOrName}` });
  }

  async removeVolume(name: string): Promise<void> {
    await this.run(['volume', 'delete', checkId(name, 'volume name')], { what: `volume delete ${name}` });
  }

  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    // `volumes` has no counterpart: Apple's delete removes what it owns.
    await this.run(['delete', ...(options.force ? ['-f'] : []), checkId(id)], {
      what: `delete ${id}`,
      timeoutMs: this.o.timeoutMs + 10_000,
      perContainer: true,
    });
    this.lastStats.delete(id);
    await this.changed();
  }

  /**
   * Inspects every waitIntervalMs (only while waiting) until the container has stopped. Apple's
   * snapshots do not carry the init process's exit code: -1 unless the CLI reports one.
   */
  async wait(id: string, signal?: AbortSignal): Promise<number> {
    const s = this.signal(signal);
    let seenRunning = false;
    for (;;) {
      let raw: unknown;
      try {
        raw = await this.inspectRaw(id, s);
      } catch (err) {
        // Gone after it ran (--rm): it has stopped.
        if (seenRunning && err instanceof RuntimeError && err.code === 'notFound') return -1;
        throw err;
      }
      const state = toSummary(raw).state;
      if (state === 'running') seenRunning = true;
      else if (state === 'exited' || state === 'dead' || (seenRunning && state !== 'unknown'))
        return exitCodeOf(raw) ?? -1;
      await delay(this.o.waitIntervalMs, s);
    }
  }

  // ---- streams ----

  async logs(id: string, o: LogOptions, onChunk: (chunk: LogChunk) => void): Promise<Subscription> {
    // Apple's logs have no timestamps and one stream (the container's console): o.timestamps is not
    // available, and every chunk is stdout.
    await this.inspectRaw(id, o.signal); // a clear notFound before anything streams
    const args = [
      'logs',
      ...(o.follow ? ['-f'] : []),
      ...(o.tail !== undefined ? ['-n', String(Math.max(0, o.tail))] : []),
      id,
    ];
    if (!o.follow) {
      const r = await this.run(args, {
        signal: o.signal,
        what: `logs ${id}`,
        timeoutMs: Math.max(this.o.timeoutMs, 60_000),
        perContainer: true,
      });
      if (r.stdout) onChunk({ stream: 'stdout', text: r.stdout });
      const done = new ManagedSubscription(this.subs, () => undefined);
      done.finish();
      return done;
    }
    // -f never ends by itself: the child is killed on close().
    const child = this.cli.stream(args, { signal: this.signal(o.signal) });
    const sub = new ManagedSubscription(this.subs, () => terminate(child));
    const decoder = new StringDecoder('utf8');
    child.stdout!.on('data', (b: Buffer) => {
      const text = decoder.write(b);
      if (text && !sub.isEnded) onChunk({ stream: 'stdout', text });
    });
    child.stderr!.resume();
    child.once('close', () => sub.finish());
    child.once('error', () => sub.finish());
    return sub;
  }

  private execArgs(id: string, o: ExecOptions, interactive: boolean): string[] {
    if (!o.cmd.length) throw new RuntimeError('invalidArgument', 'exec needs a command.');
    const args = ['exec', ...(interactive ? ['-i', '-t'] : []), ...envFlags(o.env)];
    if (o.workingDir) args.push('-w', o.workingDir);
    if (o.user) args.push('-u', o.user);
    args.push(checkId(id), ...o.cmd);
    return args;
  }

  /** The CLI passes the inner command's exit code on; its own failures are told apart by their stderr. */
  async exec(id: string, o: ExecOptions): Promise<ExecResult> {
    const r = await this.run(this.execArgs(id, o, false), {
      signal: o.signal,
      allowFailure: true,
      what: `exec ${id}`,
      timeoutMs: this.o.execTimeoutMs,
    });
    if (r.exitCode !== 0 && isCliError(r.stderr)) throw fromCliFailure(r, `exec ${id}`);
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  }

  /**
   * `container exec -i -t` with piped stdio. resize() is a no-op: the CLI sizes the TTY from its
   * own terminal, which a pipe does not have, and it has no resize command.
   */
  async execInteractive(id: string, o: InteractiveExecOptions): Promise<InteractiveExec> {
    const d = await this.inspect(id, o.signal);
    if (d.state !== 'running') throw new RuntimeError('conflict', `Container ${id} is not running; start it first.`);
    const child = this.cli.stream(this.execArgs(id, o, true), { signal: this.signal(o.signal), stdin: true });
    const sub = new ManagedSubscription(this.subs, () => terminate(child));
    const output = new OutputRelay();
    for (const stream of [child.stdout!, child.stderr!]) {
      const decoder = new StringDecoder('utf8');
      stream.on('data', (b: Buffer) => output.push(decoder.write(b)));
    }
    child.stdin!.on('error', () => undefined); // writes after the process ended
    let closedEarly = false;
    const exit = new Promise<number>((resolve) => {
      child.once('close', (code) => {
        sub.finish();
        resolve(closedEarly || code === null ? -1 : code);
      });
      child.once('error', () => {
        sub.finish();
        resolve(-1);
      });
    });
    return {
      write: (data) => {
        if (child.stdin!.writable) child.stdin!.write(data);
      },
      resize: () => Promise.resolve(),
      onData: (l) => output.on(l),
      exit,
      close: () => {
        closedEarly = true;
        sub.close();
      },
    };
  }

  /** One snapshot; undefined when the container is not running (stats skips stopped ones). */
  private async statsPoint(id: string, signal?: AbortSignal): Promise<StatsPoint | undefined> {
    const r = await this.run(['stats', '--format', 'json', '--no-stream', checkId(id)], {
      signal,
      what: `stats ${id}`,
      perContainer: true,
    });
    const stats = parseStats(parseJson(r.stdout, 'container stats')).find((s) => s.id === id);
    if (!stats) return undefined;
    const point = { stats, at: r.stdoutAt ?? Date.now() };
    for (const [k, v] of this.lastStats) if (point.at - v.at > STATS_REUSE_MS) this.lastStats.delete(k);
    return point;
  }

  private static toSample(id: string, cur: StatsPoint, prev: StatsPoint | undefined): StatsSample {
    const s = cur.stats;
    const memoryUsed = s.memoryUsageBytes ?? 0;
    const memoryLimit = s.memoryLimitBytes ?? 0;
    return {
      id,
      read: cur.at,
      cpuPercent: cpuPercent(prev?.stats.cpuUsageUsec, prev?.at, s.cpuUsageUsec, cur.at),
      memoryUsed,
      memoryLimit,
      memoryPercent: memoryLimit > 0 ? (memoryUsed / memoryLimit) * 100 : 0,
      netRx: s.networkRxBytes ?? 0,
      netTx: s.networkTxBytes ?? 0,
      blockRead: s.blockReadBytes ?? 0,
      blockWrite: s.blockWriteBytes ?? 0,
      pids: s.numProcesses ?? 0,
    };
  }

  /** A snapshot with CPU %: against a recent earlier snapshot, else a second one statsWindowMs later. */
  async stats(id: string, signal?: AbortSignal): Promise<StatsSample> {
    const s = this.signal(signal);
    const notRunning = () => new RuntimeError('conflict', `Container ${id} is not running: it has no stats.`);
    const recent = this.lastStats.get(id);
    const first = await this.statsPoint(id, s);
    if (!first) throw notRunning();
    const age = recent ? first.at - recent.at : Infinity;
    let prev: StatsPoint;
    let cur: StatsPoint | undefined;
    if (recent && age >= MIN_CPU_WINDOW_MS && age < STATS_REUSE_MS) {
      prev = recent;
      cur = first;
    } else {
      await delay(this.o.statsWindowMs, s);
      prev = first;
      cur = await this.statsPoint(id, s);
      if (!cur) throw notRunning();
    }
    this.lastStats.set(id, cur);
    return AppleRuntime.toSample(id, cur, prev);
  }

  /**
   * Samples about every statsIntervalMs while subscribed, each sample's CPU % against the one before.
   * A stopped container yields no samples until it runs again; a removed one ends the subscription.
   */
  subscribeStats(id: string, onSample: (s: StatsSample) => void, onError?: (err: Error) => void): Subscription {
    const ac = new AbortController();
    const sub = new ManagedSubscription(this.subs, () => ac.abort());
    const signal = this.signal(ac.signal);
    void (async () => {
      const recent = this.lastStats.get(id);
      let prev: StatsPoint | undefined = recent && Date.now() - recent.at < STATS_REUSE_MS ? recent : undefined;
      while (!sub.isEnded) {
        const t0 = Date.now();
        try {
          const cur = await this.statsPoint(id, signal);
          if (sub.isEnded) break;
          if (cur) {
            if (prev) onSample(AppleRuntime.toSample(id, cur, prev));
            this.lastStats.set(id, cur);
          }
          prev = cur;
          await delay(Math.max(0, this.o.statsIntervalMs - (Date.now() - t0)), signal);
        } catch (err) {
          if (!sub.isEnded && !signal.aborted) onError?.(err as Error);
          break;
        }
      }
      sub.finish();
    })();
    return sub;
  }

  subscribeEvents(onEvent: (e: RuntimeEvent) => void, onError?: (err: Error) => void): Subscription {
    let remove = () => undefined as void;
    const sub = new ManagedSubscription(this.subs, () => remove());
    if (this.lifetime.signal.aborted) {
      sub.finish();
      return sub;
    }
    remove = this.poller.add({
      onEvent: (e) => {
        if (!sub.isEnded) onEvent(e);
      },
      onError,
    });
    return sub;
  }

  // ---- images ----

  async listImages(signal?: AbortSignal): Promise<ImageSummary[]> {
    const r = await this.run(['image', 'ls', '--format', 'json'], { signal, what: 'image ls' });
    return toImageSummaries(parseJson(r.stdout, 'container image ls'));
  }

  /** `image delete` has no force: what uses the image is checked by the caller (core/inventory). */
  async removeImage(ref: string, _options: { force?: boolean } = {}): Promise<void> {
    await this.run(['image', 'delete', checkId(ref, 'image reference')], { what: `image delete ${ref}` });
  }

  async tagImage(source: string, target: string): Promise<void> {
    await this.run(['image', 'tag', checkId(source, 'image reference'), checkId(target, 'image reference')], {
      what: `image tag ${source} ${target}`,
    });
  }

  async imageExists(ref: string, signal?: AbortSignal): Promise<boolean> {
    const want = normalizeImageRef(ref);
    const images = await this.listImages(signal);
    return images.some(
      (i) =>
        i.id === ref ||
        (ref.length >= 12 && i.id.replace(/^sha256:/, '').startsWith(ref.replace(/^sha256:/, ''))) ||
        i.tags.some((t) => t === ref || normalizeImageRef(t) === want),
    );
  }

  async pullImage(ref: string, onProgress?: (p: ProgressEvent) => void, signal?: AbortSignal): Promise<void> {
    if (!ref || ref.startsWith('-'))
      throw new RuntimeError('invalidArgument', `Not a valid image reference: "${ref}".`);
    await this.run(['image', 'pull', ref], {
      signal,
      what: `image pull ${ref}`,
      timeoutMs: PULL_TIMEOUT_MS,
      onLine: (line) => {
        const m = progressLine(line);
        if (m && !/^Error:/.test(m)) onProgress?.({ message: m });
      },
    });
  }

  async buildImage(o: BuildOptions, onProgress?: (p: ProgressEvent) => void): Promise<string> {
    const context = resolvePath(o.context);
    try {
      if (!statSync(context).isDirectory()) throw new Error('not a directory');
    } catch (err) {
      throw new RuntimeError('invalidArgument', `Cannot read the build context ${o.context}.`, undefined, {
        cause: err,
      });
    }
    if (!o.tag || o.tag.startsWith('-'))
      throw new RuntimeError('invalidArgument', `Not a valid image tag: "${o.tag}".`);
    const args = appleBuildArgs(o, context);
    await this.run(args, {
      signal: o.signal,
      what: `build ${o.tag}`,
      timeoutMs: BUILD_TIMEOUT_MS,
      onLine: (line) => {
        const m = progressLine(line);
        if (m && !/^Error:/.test(m)) onProgress?.({ message: m });
      },
    });
    const want = normalizeImageRef(o.tag);
    const built = (await this.listImages(o.signal)).find((i) => i.tags.some((t) => normalizeImageRef(t) === want));
    return built?.id ?? o.tag;
  }

  /**
   * Ends every subscription, timer and child process this runtime started. Resolves once every
   * child has exited (with its process group and pipes), so nothing of ours still writes anywhere.
   */
  close(): Promise<void> {
    if (!this.closing) {
      const exited = this.cli.close(); // first: calls cut short by the abort below then say "closed"
      this.lifetime.abort();
      this.poller.close();
      for (const s of [...this.subs]) s.close();
      this.closing = exited;
    }
    return this.closing;
  }

  /** Open subscriptions: events and stats polling, logs -f, exec sessions (ContainerRuntime.openStreams). */
  get openStreams(): number {
    return this.subs.size;
  }
}

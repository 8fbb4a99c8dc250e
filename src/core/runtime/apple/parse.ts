/**
 * Tolerant parsers for the JSON of Apple's `container` CLI, across its generations:
 *  - 1.x: `status` is an object `{ state, startedDate?, networks[] }`, dates are ISO-8601 strings;
 *  - 0.8–0.12: `status` is a plain string, `networks` and `startedDate` sit at the top level and
 *    dates are seconds since 2001-01-01 (Apple's reference date);
 *  - ≤0.7: like 0.8, but a network attachment carries `address` / `gateway`, not `ipv4Address`.
 * Anything missing is tolerated: the CLI omits nil values. What is not JSON, nests deeper than any
 * generation does, or is not the list a command prints is a RuntimeError that names the command.
 */
import { escapeControl } from '../../text/escapeControl';
import { RuntimeError } from '../errors';
import type {
  ContainerDetails,
  ContainerState,
  ContainerSummary,
  ImageSummary,
  MountInfo,
  PortMapping,
} from '../types';

/** Seconds between 1970-01-01 and 2001-01-01 (Foundation's reference date). */
export const APPLE_EPOCH_OFFSET_S = 978_307_200;
/** The largest time a JavaScript Date holds (ms either side of 1970). */
const MAX_DATE_MS = 8.64e15;

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** No generation nests deeper than about 8; raw snapshots are kept and shown, so depth stays bounded. */
export const MAX_JSON_DEPTH = 64;
/** Entries accepted in one list (containers, images, stats): Apple runs a VM per container. */
export const MAX_LIST_ENTRIES = 10_000;
/** Port mappings made from one container's publishedPorts (ranges included). */
const MAX_PORTS = 4_096;

const BAD_ANSWER_HINT =
  'Check what the CLI prints itself (`container --version`, then the command with `--format json`).';

/** "`container ls` answered with …": the CLI's bad answer, named, with a short, escaped sample. */
export function badAnswer(what: string, problem: string, sample?: string): RuntimeError {
  const shown = sample?.trim() ? ` (“${escapeControl(sample.trim().slice(0, 200), { maxLength: 60 })}”)` : '';
  return new RuntimeError(
    'internal',
    `Apple's container CLI: \`${what}\` answered with ${problem}${shown}.`,
    BAD_ANSWER_HINT,
  );
}

/**
 * How deeply arrays and objects nest in JSON text (strings skipped), stopping once past `limit`;
 * `open` says whether the text ends inside a string or an unclosed bracket (it was cut short).
 */
function nesting(text: string, limit: number): { depth: number; open: boolean } {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max && (max = depth) > limit) return { depth: max, open: true };
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return { depth: max, open: inString || depth > 0 };
}

/**
 * Parses CLI output that should be JSON. `what` is the command ("container ls"). Empty output,
 * NUL bytes, text that is not JSON or is cut short, and nesting deeper than MAX_JSON_DEPTH are each
 * a RuntimeError that says so.
 */
export function parseJson(text: string, what: string): unknown {
  const t = text.trim();
  if (t === '') throw badAnswer(what, 'nothing where JSON was expected');
  if (t.includes('\0')) throw badAnswer(what, 'NUL bytes, not JSON', t);
  const shape = nesting(t, MAX_JSON_DEPTH);
  if (shape.depth > MAX_JSON_DEPTH) throw badAnswer(what, `JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
  try {
    return JSON.parse(t) as unknown;
  } catch {
    const problem = /^</.test(t)
      ? 'an HTML page, not JSON'
      : shape.open && /^[[{"]/.test(t)
        ? 'JSON that is cut short'
        : 'something that is not JSON';
    throw badAnswer(what, problem, t);
  }
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The list a command prints; a lone object when `lone` (older CLIs printed one for one container). */
export function listOf(json: unknown, what: string, expected: string, lone: boolean): unknown[] {
  if (Array.isArray(json)) {
    if (json.length > MAX_LIST_ENTRIES)
      throw badAnswer(what, `${json.length} entries, more than the ${MAX_LIST_ENTRIES} accepted`);
    return json;
  }
  if (lone && obj(json)) return [json];
  throw badAnswer(what, `${kindOf(json)} where ${expected} was expected`);
}

/** ms since the Unix epoch from an ISO-8601 string or from seconds since 2001-01-01; undefined when absent. */
export function parseAppleDate(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const ms = Math.round((v + APPLE_EPOCH_OFFSET_S) * 1000);
    return Math.abs(ms) <= MAX_DATE_MS ? ms : undefined; // beyond what a Date can hold
  }
  if (typeof v === 'string' && v) {
    if (/^-?\d+(\.\d+)?$/.test(v)) return parseAppleDate(Number(v));
    const ms = Date.parse(v);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

/** The runtime state word, wherever this generation keeps it. */
function rawState(c: Obj): string {
  const s = c.status;
  if (typeof s === 'string') return s.toLowerCase();
  const o = obj(s);
  const state = str(o?.state) ?? str(o?.status);
  return (state ?? 'unknown').toLowerCase();
}

function startedDate(c: Obj): number | undefined {
  return parseAppleDate(obj(c.status)?.startedDate ?? c.startedDate);
}

/**
 * Apple has no "created" or "exited" state, only stopped: a stopped container that was never started
 * (no startedDate) is reported as created, one that ran as exited.
 */
export function toContainerState(word: string, started: boolean): ContainerState {
  switch (word) {
    case 'running':
    case 'stopping': // still running until it has stopped
      return 'running';
    case 'stopped':
      return started ? 'exited' : 'created';
    default:
      return 'unknown';
  }
}

function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s <= 1 ? 'Less than a second' : `${s} seconds`;
  const m = Math.round(s / 60);
  if (m < 60) return m === 1 ? 'About a minute' : `${m} minutes`;
  const h = Math.round(m / 60);
  if (h < 48) return h === 1 ? 'About an hour' : `${h} hours`;
  return `${Math.round(h / 24)} days`;
}

function statusText(word: string, state: ContainerState, started: number | undefined, now: number): string {
  if (word === 'stopping') return 'Stopping';
  switch (state) {
    case 'running':
      return started ? `Up ${humanDuration(now - started)}` : 'Up';
    case 'exited':
      return 'Exited';
    case 'created':
      return 'Created';
    default:
      return word ? word[0].toUpperCase() + word.slice(1) : 'Unknown';
  }
}

export function labelsOf(config: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(config.labels) ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

/** publishedPorts: `{ hostAddress, hostPort, containerPort, proto, count }`; count > 1 is a range. */
function portsOf(config: Obj): PortMapping[] {
  const out: PortMapping[] = [];
  for (const p of arr(config.publishedPorts)) {
    if (out.length >= MAX_PORTS) break;
    const o = obj(p);
    const containerPort = num(o?.containerPort);
    if (!o || containerPort === undefined) continue;
    const hostPort = num(o.hostPort);
    const count = Math.min(Math.max(1, num(o.count) ?? 1), 1024);
    const protocol = (str(o.proto) ?? str(o.protocol) ?? 'tcp').toLowerCase();
    const hostIp = str(o.hostAddress) || undefined;
    for (let i = 0; i < count && out.length < MAX_PORTS; i++) {
      out.push({
        containerPort: containerPort + i,
        hostPort: hostPort === undefined ? undefined : hostPort + i,
        hostIp,
        protocol,
      });
    }
  }
  return out;
}

function imageOf(config: Obj): string {
  const image = config.image;
  if (typeof image === 'string') return image;
  return str(obj(image)?.reference) ?? str(obj(image)?.name) ?? '';
}

/** The container's id: top level, or in its configuration. */
function idOf(c: Obj): string {
  return str(c.id) ?? str(obj(c.configuration)?.id) ?? '';
}

/** Normalises one `ls` / `inspect` entry of any generation. `now` only shapes the "Up …" text. */
export function toSummary(raw: unknown, now = Date.now()): ContainerSummary {
  const c = obj(raw) ?? {};
  const config = obj(c.configuration) ?? {};
  const id = idOf(c);
  const word = rawState(c);
  const started = startedDate(c);
  const state = toContainerState(word, started !== undefined);
  const labels = labelsOf(config);
  const summary: ContainerSummary = {
    id,
    // Apple containers have no separate name: the id is the name (`--name` sets it).
    name: id,
    names: id ? [id] : [],
    image: imageOf(config),
    state,
    status: statusText(word, state, started, now),
    created: parseAppleDate(config.creationDate ?? c.creationDate) ?? started ?? 0,
    labels,
    ports: portsOf(config),
    mounts: mountsOf(config),
    networkNames: networkNamesOf(c, config),
  };
  const project = labels['com.docker.compose.project'];
  const service = labels['com.docker.compose.service'];
  const digest = str(obj(obj(config.image)?.descriptor)?.digest);
  if (digest) summary.imageId = digest;
  if (project) summary.composeProject = project;
  if (service) summary.composeService = service;
  return summary;
}

function userOf(process: Obj): string | undefined {
  const u = process.user;
  if (typeof u === 'string') return u || undefined;
  const o = obj(u);
  if (!o) return undefined;
  const raw = obj(o.raw);
  if (raw) return str(raw.userString) ?? str(raw.user);
  const id = obj(o.id);
  if (id) {
    const uid = num(id.uid);
    const gid = num(id.gid);
    if (uid === undefined) return undefined;
    return gid === undefined ? String(uid) : `${uid}:${gid}`;
  }
  return undefined;
}

/** mounts: `{ type: { virtiofs: {} } | { volume: { name } } | { tmpfs: {} } …, source, destination, options[] }`. */
function mountsOf(config: Obj): MountInfo[] {
  const out: MountInfo[] = [];
  for (const m of arr(config.mounts)) {
    const o = obj(m);
    const destination = str(o?.destination) ?? str(o?.target);
    if (!o || !destination) continue;
    const t = o.type;
    let type = 'bind';
    let source = str(o.source);
    if (typeof t === 'string') {
      type = t === 'virtiofs' ? 'bind' : t;
    } else {
      const kinds = Object.keys(obj(t) ?? {});
      if (kinds.includes('volume')) {
        type = 'volume';
        source = str(obj(obj(t)?.volume)?.name) ?? source;
      } else if (kinds.includes('tmpfs')) {
        type = 'tmpfs';
      } else if (kinds.includes('block')) {
        type = 'block';
      }
    }
    const options = arr(o.options).filter((x): x is string => typeof x === 'string');
    out.push({
      type,
      source: source || undefined,
      destination,
      readOnly: options.includes('ro') || options.includes('readonly'),
    });
  }
  return out;
}

/** "192.168.64.3/24" → "192.168.64.3". */
function stripPrefix(address: string | undefined): string | undefined {
  return address ? address.split('/')[0] || undefined : undefined;
}

/** Network attachments: 1.x in status.networks, 0.8–0.12 top-level with ipv4Address, ≤0.7 with address. */
function networksOf(c: Obj): { name: string; ipAddress?: string }[] {
  const status = obj(c.status);
  const list = Array.isArray(status?.networks) ? status.networks : arr(c.networks);
  const out: { name: string; ipAddress?: string }[] = [];
  for (const n of list) {
    const o = obj(n);
    if (!o) continue;
    const ipAddress = stripPrefix(str(o.ipv4Address) ?? str(o.address));
    out.push({ name: str(o.network) ?? str(o.name) ?? 'default', ipAddress });
  }
  return out;
}

/** The networks it is on: the running ones' from the status, else those its configuration names (a stopped one). */
function networkNamesOf(c: Obj, config: Obj): string[] {
  const running = networksOf(c).map((n) => n.name);
  if (running.length) return running;
  return arr(config.networks)
    .map((n) => str(obj(n)?.network))
    .filter((n): n is string => !!n);
}

/** Normalises one `inspect` entry. Apple keeps the entrypoint and the command as one argv. */
export function toDetails(raw: unknown, now = Date.now()): ContainerDetails {
  const c = obj(raw) ?? {};
  const config = obj(c.configuration) ?? {};
  const init = obj(config.initProcess) ?? {};
  const executable = str(init.executable);
  const args = arr(init.arguments).filter((x): x is string => typeof x === 'string');
  const summary = toSummary(raw, now);
  const startedAt = startedDate(c);
  return {
    ...summary,
    command: executable ? [executable, ...args] : args,
    entrypoint: [],
    workingDir: str(init.workingDirectory) || undefined,
    user: userOf(init),
    tty: init.terminal === true,
    startedAt,
    // Apple's snapshots carry neither a finish time nor the init process's exit code.
    finishedAt: undefined,
    exitCode: num(obj(c.status)?.exitCode ?? c.exitCode),
    mounts: mountsOf(config),
    networks: networksOf(c),
    raw,
  };
}

/**
 * `ls --format json` / `inspect`: an array of containers (a lone object is accepted too); entries
 * that are not objects are passed over. Anything else is a RuntimeError naming `what`.
 */
export function parseContainers(json: unknown, what = 'container ls'): unknown[] {
  return listOf(json, what, 'a list of containers', true).filter((x) => obj(x) !== undefined);
}

/** The exit code a snapshot reports, when its generation has one. */
export function exitCodeOf(raw: unknown): number | undefined {
  const c = obj(raw) ?? {};
  return num(obj(c.status)?.exitCode ?? c.exitCode);
}

// ---- images ----

/**
 * "4.2 MB" / "512 KiB" / "1.1 GB" → bytes (decimal units as Apple's ByteCountFormatter prints;
 * binary when it says so).
 */
export function parseSize(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return 0;
  const m = /^\s*([\d.,]+)\s*([KMGTP]?)(i?)B?\s*$/i.exec(v.replace(/bytes?$/i, 'B'));
  if (!m) return 0;
  const value = Number(m[1].replace(',', '.'));
  const power = ' KMGTP'.indexOf(m[2].toUpperCase() || ' ');
  const base = m[3] ? 1024 : 1000;
  return Number.isFinite(value) ? Math.round(value * base ** Math.max(0, power)) : 0;
}

/**
 * `image ls --format json`: 1.x `{ id, configuration{name, creationDate, descriptor}, variants[] }`,
 * 0.9–0.12 `{ reference, fullSize, descriptor }`.
 */
export function toImageSummaries(json: unknown, what = 'container image ls'): ImageSummary[] {
  const out: ImageSummary[] = [];
  for (const item of listOf(json, what, 'a list of images', false)) {
    const o = obj(item);
    if (!o) continue;
    const config = obj(o.configuration);
    const descriptor = obj(config?.descriptor) ?? obj(o.descriptor);
    const name = str(config?.name) ?? str(o.reference) ?? str(o.name);
    let size = 0;
    const variants = arr(o.variants);
    for (const v of variants) size += num(obj(v)?.size) ?? 0;
    if (!size && o.fullSize !== undefined) size = parseSize(o.fullSize);
    if (!size) size = num(descriptor?.size) ?? 0;
    out.push({
      id: str(o.id) ?? str(descriptor?.digest) ?? name ?? '',
      tags: name ? [name] : [],
      size,
      created: parseAppleDate(config?.creationDate ?? o.creationDate) ?? 0,
    });
  }
  return out;
}

/** How Apple's CLI writes a reference: "alpine" → "docker.io/library/alpine:latest". */
export function normalizeImageRef(ref: string): string {
  let r = ref.trim();
  const at = r.indexOf('@');
  const digest = at >= 0 ? r.slice(at) : '';
  if (at >= 0) r = r.slice(0, at);
  const slash = r.indexOf('/');
  const first = slash >= 0 ? r.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) r = `docker.io/${slash >= 0 ? r : `library/${r}`}`;
  const lastPart = r.slice(r.lastIndexOf('/') + 1);
  if (!digest && !lastPart.includes(':')) r += ':latest';
  return r + digest;
}

// ---- stats ----

export interface AppleStats {
  id: string;
  memoryUsageBytes?: number;
  memoryLimitBytes?: number;
  cpuUsageUsec?: number;
  networkRxBytes?: number;
  networkTxBytes?: number;
  blockReadBytes?: number;
  blockWriteBytes?: number;
  numProcesses?: number;
}

/** `stats --format json --no-stream`: one snapshot per running container (stopped ones are skipped). */
export function parseStats(json: unknown, what = 'container stats'): AppleStats[] {
  const out: AppleStats[] = [];
  for (const item of listOf(json, what, 'a list of snapshots', true)) {
    const o = obj(item);
    const id = str(o?.id);
    if (!o || !id) continue;
    out.push({
      id,
      memoryUsageBytes: num(o.memoryUsageBytes),
      memoryLimitBytes: num(o.memoryLimitBytes),
      cpuUsageUsec: num(o.cpuUsageUsec),
      networkRxBytes: num(o.networkRxBytes),
      networkTxBytes: num(o.networkTxBytes),
      blockReadBytes: num(o.blockReadBytes),
      blockWriteBytes: num(o.blockWriteBytes),
      numProcesses: num(o.numProcesses),
    });
  }
  return out;
}

/**
 * CPU % of one core between two snapshots: ΔcpuUsageUsec / Δt (µs) × 100. 0 without a previous
 * sample, when time did not advance, or when the counter went back (the container restarted).
 */
export function cpuPercent(
  prevUsec: number | undefined,
  prevAtMs: number | undefined,
  curUsec: number | undefined,
  curAtMs: number,
): number {
  if (prevUsec === undefined || prevAtMs === undefined || curUsec === undefined) return 0;
  const elapsedUs = (curAtMs - prevAtMs) * 1000;
  const used = curUsec - prevUsec;
  if (elapsedUs <= 0 || used < 0) return 0;
  return (used / elapsedUs) * 100;
}

// ---- system ----

export interface AppleSystemStatus {
  running: boolean;
  /** "running", "not running", "unregistered", … */
  status: string;
  serverVersion?: string;
  appRoot?: string;
}

const VERSION_RE = /(\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?)/;

/**
 * `system status --format json`: 1.2.2 `{ status, appRoot, installRoot, apiServerVersion }`,
 * 1.4.1 `{ status, client, server{version}, paths }`.
 */
export function parseSystemStatus(json: unknown): AppleSystemStatus {
  const o = obj(json) ?? {};
  const status = (str(o.status) ?? str(obj(o.status)?.status) ?? 'unknown').trim();
  const server = obj(o.server);
  const versionText = str(server?.version) ?? str(o.apiServerVersion) ?? str(o.version);
  return {
    running: status.toLowerCase() === 'running',
    status,
    serverVersion: versionText ? (VERSION_RE.exec(versionText)?.[1] ?? versionText) : undefined,
    appRoot: str(o.appRoot) ?? str(obj(o.paths)?.appRoot),
  };
}

export interface AppleVersions {
  cli?: string;
  server?: string;
  commit?: string;
  buildType?: string;
}

/**
 * `system version --format json`: `[{ appName: "container", version, … }, { appName:
 * "container-apiserver", … }]` (no server entry when it is down).
 */
export function parseSystemVersion(json: unknown): AppleVersions {
  const out: AppleVersions = {};
  const entries = Array.isArray(json) ? json : [json];
  for (const e of entries) {
    const o = obj(e);
    if (!o) continue;
    const app = str(o.appName) ?? '';
    const version = str(o.version);
    if (!version) continue;
    const clean = VERSION_RE.exec(version)?.[1] ?? version;
    if (app === 'container' || app === '') {
      out.cli = clean;
      out.commit = str(o.commit);
      out.buildType = str(o.buildType);
    } else if (/apiserver|server/i.test(app)) {
      out.server = clean;
    }
  }
  return out;
}

/** `container --version` → "1.2.2" from "container CLI version 1.2.2 (build: release, commit: abc1234)". */
export function parseVersionText(text: string): string | undefined {
  return /^container CLI version (\S+)/m.exec(text.trim())?.[1];
}

/** When the container was (last) started, ms since the epoch; undefined when never. */
export function startedAtOf(raw: unknown): number | undefined {
  const c = obj(raw);
  return c ? startedDate(c) : undefined;
}

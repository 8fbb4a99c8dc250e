/**
 * A dev container's `runArgs` (`docker run` flags, as an argument array) read into the options the
 * engine API can express. We do not run the docker CLI, so only the flags below are honoured; every
 * other flag, and every value we cannot read, is a warning naming it, and the container is created
 * without it. Both `--flag=value` and `--flag value` are read, and short flags as pflag reads them
 * (`-e A=1`, `-eA=1`, `-e=A=1`, `-it`).
 */
import { isAbsolute, resolve } from 'node:path';
import type { MountSpec, PortMapping } from '../runtime/types';
import { parseMount } from './mounts';

/** What `runArgs` asks for, in engine terms (HostConfig and Config fields; see the report). */
export interface RunArgsOptions {
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  privileged?: boolean;
  init?: boolean;
  env: Record<string, string>;
  labels: Record<string, string>;
  ports: PortMapping[];
  /** --network / --net: a network name, `host`, `none`, `container:<id>`. */
  network?: string;
  /** --add-host as HostConfig.ExtraHosts wants it: "name:ip". */
  extraHosts: string[];
  /** Bytes. */
  shmSize?: number;
  /** Bytes. */
  memory?: number;
  /** CPUs (HostConfig.NanoCpus is this × 1e9). */
  cpus?: number;
  devices: { pathOnHost: string; pathInContainer: string; cgroupPermissions: string }[];
  ulimits: { name: string; soft: number; hard: number }[];
  /** -v / --volume and --mount binds and volumes. */
  mounts: MountSpec[];
  /** --tmpfs and --mount type=tmpfs: target → options ("" for none), as HostConfig.Tmpfs. */
  tmpfs: Record<string, string>;
  user?: string;
  workdir?: string;
  hostname?: string;
  /** --entrypoint: one executable ("" clears the image's entrypoint), as the docker CLI takes it. */
  entrypoint?: string;
  /** --gpus as written: "all", a count, or "device=0,1" (HostConfig.DeviceRequests). */
  gpus?: string;
  ipc?: string;
  pid?: string;
  userns?: string;
  sysctls: Record<string, string>;
}

export interface ParsedRunArgs {
  options: RunArgsOptions;
  /** One per flag or value not honoured, naming it ("runArgs: --rm is not honoured."). */
  warnings: string[];
}

export const RUN_ARGS_LIMITS = {
  /** Arguments read; the rest are a warning. */
  maxArgs: 10_000,
  /** Ports one -p range may publish. */
  maxPortRange: 1000,
  /** Ports all of runArgs may publish. */
  maxPorts: 4096,
};

export interface RunArgsContext {
  /** The workspace folder: relative `-v ./dir:/x` sources are taken from it. */
  folder: string;
  /** For `-e NAME` without a value, which takes NAME from here as the docker CLI does. */
  env?: NodeJS.ProcessEnv;
}

type Apply = (value: string, into: RunArgsOptions, ctx: Parsing) => void;
interface Parsing extends RunArgsContext {
  warn: (message: string) => void;
  flag: string;
}

/** Flags that take a value, and what they set. */
const VALUE_FLAGS: Record<string, Apply> = {
  'cap-add': (v, o) => void o.capAdd.push(v),
  'cap-drop': (v, o) => void o.capDrop.push(v),
  'security-opt': (v, o) => void o.securityOpt.push(v),
  env: (v, o, p) => {
    const eq = v.indexOf('=');
    if (eq === 0) return p.warn(`runArgs: ${p.flag} "${short(v)}" has no variable name; it is ignored.`);
    if (eq > 0) setOwn(o.env, v.slice(0, eq), v.slice(eq + 1));
    // `-e NAME` passes NAME on from the environment, and nothing when it is not set.
    else if (p.env && Object.hasOwn(p.env, v) && p.env[v] !== undefined) setOwn(o.env, v, p.env[v]);
  },
  label: (v, o) => {
    const eq = v.indexOf('=');
    setOwn(o.labels, eq < 0 ? v : v.slice(0, eq), eq < 0 ? '' : v.slice(eq + 1));
  },
  publish: (v, o, p) => publish(v, o, p),
  network: (v, o) => void (o.network = v),
  'add-host': (v, o, p) => {
    const m = /^([^:=\s]+)[:=](\S+)$/.exec(v);
    if (m) o.extraHosts.push(`${m[1]}:${m[2]}`);
    else p.warn(`runArgs: ${p.flag} "${short(v)}" should be "name:ip"; it is ignored.`);
  },
  'shm-size': (v, o, p) => {
    const bytes = parseBytes(v);
    if (bytes === undefined) p.warn(`runArgs: ${p.flag} "${short(v)}" is not a size (e.g. 1g, 512m); it is ignored.`);
    else o.shmSize = bytes;
  },
  memory: (v, o, p) => {
    const bytes = parseBytes(v);
    if (bytes === undefined) p.warn(`runArgs: ${p.flag} "${short(v)}" is not a size (e.g. 4g, 512m); it is ignored.`);
    else o.memory = bytes;
  },
  cpus: (v, o, p) => {
    const n = /^\d{1,4}(\.\d{1,9})?$/.test(v) ? Number(v) : NaN;
    if (!(n > 0)) p.warn(`runArgs: ${p.flag} "${short(v)}" is not a number of CPUs; it is ignored.`);
    else o.cpus = n;
  },
  device: (v, o, p) => {
    const [host, inContainer, perms, ...rest] = v.split(':');
    const permsOk = perms === undefined || /^[rwm]{1,3}$/.test(perms);
    // `--device /dev/x:rwm`: the second field is permissions when it is not a path.
    const second = inContainer !== undefined && /^[rwm]{1,3}$/.test(inContainer) && perms === undefined;
    if (!host || rest.length || !permsOk)
      return p.warn(`runArgs: ${p.flag} "${short(v)}" should be "/dev/host[:/dev/container][:rwm]"; it is ignored.`);
    o.devices.push({
      pathOnHost: host,
      pathInContainer: second ? host : inContainer || host,
      cgroupPermissions: (second ? inContainer : perms) || 'rwm',
    });
  },
  ulimit: (v, o, p) => {
    const m = /^([a-z]+)=(-?\d{1,19})(?::(-?\d{1,19}))?$/.exec(v);
    const soft = m ? Number(m[2]) : NaN;
    const hard = m ? Number(m[3] ?? m[2]) : NaN;
    if (!m || !Number.isSafeInteger(soft) || !Number.isSafeInteger(hard))
      return p.warn(`runArgs: ${p.flag} "${short(v)}" should be "name=soft[:hard]"; it is ignored.`);
    o.ulimits.push({ name: m[1], soft, hard });
  },
  volume: (v, o, p) => volume(v, o, p),
  mount: (v, o, p) => {
    try {
      const got = parseMount(v, { folder: p.folder, env: {} });
      for (const w of got.warnings) p.warn(`runArgs: ${w.replace(/^mounts: /, '')}`);
      if (got.mount) o.mounts.push(got.mount);
      if (got.tmpfs) setOwn(o.tmpfs, got.tmpfs.target, got.tmpfs.options);
    } catch (err) {
      p.warn(`runArgs: ${p.flag}: ${(err as Error).message} It is ignored.`);
    }
  },
  user: (v, o) => void (o.user = v),
  workdir: (v, o) => void (o.workdir = v),
  hostname: (v, o) => void (o.hostname = v),
  entrypoint: (v, o) => void (o.entrypoint = v),
  gpus: (v, o) => void (o.gpus = v),
  ipc: (v, o) => void (o.ipc = v),
  pid: (v, o) => void (o.pid = v),
  userns: (v, o) => void (o.userns = v),
  sysctl: (v, o, p) => {
    const eq = v.indexOf('=');
    if (eq <= 0) return p.warn(`runArgs: ${p.flag} "${short(v)}" should be "name=value"; it is ignored.`);
    setOwn(o.sysctls, v.slice(0, eq), v.slice(eq + 1));
  },
  tmpfs: (v, o, p) => {
    const colon = v.indexOf(':');
    const target = colon < 0 ? v : v.slice(0, colon);
    if (!target.startsWith('/'))
      return p.warn(`runArgs: ${p.flag} "${short(v)}" needs an absolute path; it is ignored.`);
    setOwn(o.tmpfs, target, colon < 0 ? '' : v.slice(colon + 1));
  },
  name: (_v, _o, p) =>
    p.warn(`runArgs: ${p.flag} is not honoured: Container Workspaces names the workspace container itself.`),
};

/** Boolean flags we honour; `--privileged=false` is read too. */
const BOOL_FLAGS: Record<string, (v: boolean, o: RunArgsOptions) => void> = {
  privileged: (v, o) => void (o.privileged = v),
  init: (v, o) => void (o.init = v),
};

const LONG_ALIASES: Record<string, string> = { net: 'network' };
const SHORT: Record<string, string> = {
  e: 'env',
  l: 'label',
  p: 'publish',
  m: 'memory',
  v: 'volume',
  u: 'user',
  w: 'workdir',
  h: 'hostname',
};

/**
 * `docker run` flags we do not honour, and whether they take a value — so that `--restart always`
 * is one warning and "always" is not read as an argument of its own.
 */
const UNHONOURED_BOOL = new Set([
  'rm',
  'detach',
  'interactive',
  'tty',
  'read-only',
  'publish-all',
  'no-healthcheck',
  'oom-kill-disable',
  'sig-proxy',
  'help',
  'quiet',
  'disable-content-trust',
]);
const UNHONOURED_SHORT_BOOL: Record<string, string> = {
  d: 'detach',
  i: 'interactive',
  t: 'tty',
  P: 'publish-all',
  q: 'quiet',
};

function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

const short = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}…` : s);

/** Docker's sizes: a number with an optional b, k, m, g, t (×1024 each) and an optional "b"/"ib". */
export function parseBytes(text: string): number | undefined {
  const m = /^(\d{1,15}(?:\.\d{1,6})?)\s*([kmgt]?)(i?b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const power = { '': 0, k: 1, m: 2, g: 3, t: 4 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const bytes = Math.floor(Number(m[1]) * 1024 ** power);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** A port or a range "a-b" → its ports; undefined when not valid. */
function portRange(text: string): number[] | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 65535 || to < from || to - from >= RUN_ARGS_LIMITS.maxPortRange) return undefined;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** -p [ip:][hostPort[-end]:]containerPort[-end][/proto]; IPv6 addresses in brackets. */
function publish(v: string, o: RunArgsOptions, p: Parsing): void {
  const bad = () => p.warn(`runArgs: ${p.flag} "${short(v)}" is not a port mapping (e.g. 8080:80); it is ignored.`);
  const slash = v.lastIndexOf('/');
  const protocol = slash < 0 ? 'tcp' : v.slice(slash + 1).toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(protocol)) return bad();
  let rest = slash < 0 ? v : v.slice(0, slash);
  let hostIp: string | undefined;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2];
  }
  const parts = rest.split(':');
  if (!hostIp && parts.length === 3) hostIp = parts.shift();
  if (parts.length > 2 || (hostIp !== undefined && !hostIp)) return bad();
  const container = portRange(parts[parts.length - 1]);
  const host = parts.length === 2 && parts[0] !== '' ? portRange(parts[0]) : undefined;
  if (!container || (parts.length === 2 && parts[0] !== '' && !host)) return bad();
  if (host && host.length !== container.length)
    return p.warn(`runArgs: ${p.flag} "${short(v)}": host and container ranges differ in size; it is ignored.`);
  if (o.ports.length + container.length > RUN_ARGS_LIMITS.maxPorts)
    return p.warn(`runArgs: more than ${RUN_ARGS_LIMITS.maxPorts} published ports; "${short(v)}" is ignored.`);
  container.forEach((port, i) =>
    o.ports.push({
      containerPort: port,
      ...(host ? { hostPort: host[i] } : {}),
      ...(hostIp !== undefined ? { hostIp } : {}),
      protocol,
    }),
  );
}

/** -v source:target[:options] (a host path or a volume name), or -v /path (an anonymous volume). */
function volume(v: string, o: RunArgsOptions, p: Parsing): void {
  let parts = v.split(':');
  // A Windows host path: "C:\src:/src" splits its drive letter off.
  if (parts.length >= 3 && /^[a-zA-Z]$/.test(parts[0]) && /^[\\/]/.test(parts[1]))
    parts = [`${parts[0]}:${parts[1]}`, ...parts.slice(2)];
  if (parts.length === 1) {
    return p.warn(`runArgs: ${p.flag} "${short(v)}" is an anonymous volume, which is not supported; it is ignored.`);
  }
  const [source, target, options = ''] = parts;
  if (parts.length > 3 || !source || !target?.startsWith('/'))
    return p.warn(`runArgs: ${p.flag} "${short(v)}" should be "source:/target[:ro]"; it is ignored.`);
  let readOnly = false;
  for (const opt of options.split(',').filter(Boolean)) {
    if (opt === 'ro') readOnly = true;
    else if (opt === 'rw' || opt === 'cached' || opt === 'delegated' || opt === 'consistent') continue;
    else p.warn(`runArgs: ${p.flag} option "${short(opt)}" in "${short(v)}" is not honoured.`);
  }
  // A name is a volume; a path (absolute, or ./ ../ ~ relative to the folder) is a bind.
  const isPath = isAbsolute(source) || /^[a-zA-Z]:[\\/]/.test(source) || /^\.{1,2}([\\/]|$)/.test(source);
  o.mounts.push({
    type: isPath ? 'bind' : 'volume',
    source: isPath && !isAbsolute(source) && !/^[a-zA-Z]:/.test(source) ? resolve(p.folder, source) : source,
    target,
    ...(readOnly ? { readOnly } : {}),
  });
}

function emptyOptions(): RunArgsOptions {
  return {
    capAdd: [],
    capDrop: [],
    securityOpt: [],
    env: {},
    labels: {},
    ports: [],
    extraHosts: [],
    devices: [],
    ulimits: [],
    mounts: [],
    tmpfs: {},
    sysctls: {},
  };
}

/** Reads `runArgs`; never throws. Arguments past RUN_ARGS_LIMITS.maxArgs are one warning. */
export function parseRunArgs(args: readonly string[], ctx: RunArgsContext): ParsedRunArgs {
  const options = emptyOptions();
  const warnings: string[] = [];
  const warn = (message: string) => void warnings.push(message);
  const n = Math.min(args.length, RUN_ARGS_LIMITS.maxArgs);
  if (args.length > n) warn(`runArgs: only the first ${n} of ${args.length} arguments are read.`);
  const next = (i: number) => (i + 1 < n && typeof args[i + 1] === 'string' ? args[i + 1] : undefined);
  for (let i = 0; i < n; i++) {
    const arg = args[i];
    if (typeof arg !== 'string') continue;
    let name: string | undefined;
    let value: string | undefined;
    let shown: string;
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      value = eq < 0 ? undefined : arg.slice(eq + 1);
      name = LONG_ALIASES[name] ?? name;
      shown = `--${eq < 0 ? arg.slice(2) : arg.slice(2, eq)}`;
    } else if (/^-[a-zA-Z]/.test(arg)) {
      const letter = arg[1];
      if (Object.hasOwn(SHORT, letter)) {
        name = SHORT[letter];
        shown = `-${letter}`;
        if (arg.length > 2) value = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
      } else {
        // Short booleans, alone or grouped (-it, -d).
        for (const l of arg.slice(1, 20)) {
          const long = Object.hasOwn(UNHONOURED_SHORT_BOOL, l) ? ` (--${UNHONOURED_SHORT_BOOL[l]})` : '';
          warn(`runArgs: -${l}${long} is not honoured.`);
        }
        continue;
      }
    } else {
      warn(`runArgs: "${short(arg)}" is not a flag; it is ignored.`);
      continue;
    }
    const parsing: Parsing = { ...ctx, warn, flag: shown };
    if (Object.hasOwn(VALUE_FLAGS, name)) {
      if (value === undefined) {
        value = next(i);
        if (value === undefined) {
          warn(`runArgs: ${shown} needs a value; it is ignored.`);
          continue;
        }
        i++;
      }
      VALUE_FLAGS[name](value, options, parsing);
    } else if (Object.hasOwn(BOOL_FLAGS, name)) {
      if (value === undefined || value === 'true' || value === '1') BOOL_FLAGS[name](true, options);
      else if (value === 'false' || value === '0') BOOL_FLAGS[name](false, options);
      else warn(`runArgs: ${shown}=${short(value)} should be true or false; it is ignored.`);
    } else if (UNHONOURED_BOOL.has(name)) {
      warn(`runArgs: ${shown} is not honoured.`);
    } else {
      // Every other docker run flag takes a value: `--restart always` is one flag, not two.
      if (value === undefined && next(i) !== undefined && !next(i)!.startsWith('-')) i++;
      warn(`runArgs: ${short(shown)} is not honoured.`);
    }
  }
  return { options, warnings };
}

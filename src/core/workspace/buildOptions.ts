/**
 * A dev container's `build.options` (`docker build` flags, as an argument array) and `build.cacheFrom`
 * read into what the engine's build API can express. We do not run the docker CLI (no shell, no
 * string is ever built from them): the flags below are honoured, every other one is named in one
 * warning and the image is built without it. Both `--flag=value` and `--flag value` are read; values
 * are taken as written (spaces and quotes included).
 */
import { parseBytes } from './runArgs';

/** What `build.options` (and `build.cacheFrom`) ask for, in engine terms (the /build parameters). */
export interface BuildFlags {
  /** --build-arg K=V (`buildargs`). */
  buildArgs: Record<string, string>;
  /** --label k=v (`labels`). */
  labels: Record<string, string>;
  /** --target (`target`). */
  target?: string;
  /** --no-cache (`nocache`). */
  noCache?: boolean;
  /** --pull (`pull`). */
  pull?: boolean;
  /** --network (`networkmode`). */
  network?: string;
  /** --platform (`platform`). */
  platform?: string;
  /** --add-host as "name:ip" (`extrahosts`). */
  extraHosts: string[];
  /** --shm-size, bytes (`shmsize`). */
  shmSize?: number;
  /** --cache-from image references (`cachefrom`). */
  cacheFrom: string[];
}

export interface ParsedBuildOptions {
  flags: BuildFlags;
  warnings: string[];
}

export interface BuildOptionsContext {
  /** `--build-arg NAME` without a value takes NAME from here, as the docker CLI does. */
  env?: NodeJS.ProcessEnv;
}

/** Arguments read; the rest are a warning. */
export const BUILD_OPTIONS_MAX_ARGS = 10_000;

type Apply = (value: string, into: BuildFlags, p: Parsing) => void;
interface Parsing extends BuildOptionsContext {
  warn: (message: string) => void;
  flag: string;
}

const short = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}…` : s);

function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A BuildKit cache source (`type=registry,ref=…`, `type=gha`): the engine API build reads image names only. */
const isCacheBackend = (ref: string) => ref.includes('=');

/** Flags that take a value, and what they set. */
const VALUE_FLAGS: Record<string, Apply> = {
  'build-arg': (v, o, p) => {
    const eq = v.indexOf('=');
    if (eq === 0) return p.warn(`build.options: ${p.flag} "${short(v)}" has no name; it is ignored.`);
    if (eq > 0) return setOwn(o.buildArgs, v.slice(0, eq), v.slice(eq + 1));
    // `--build-arg NAME` passes NAME on from the environment; unset, the Dockerfile's default applies.
    if (p.env && Object.hasOwn(p.env, v) && p.env[v] !== undefined) setOwn(o.buildArgs, v, p.env[v]);
  },
  label: (v, o) => {
    const eq = v.indexOf('=');
    setOwn(o.labels, eq < 0 ? v : v.slice(0, eq), eq < 0 ? '' : v.slice(eq + 1));
  },
  target: (v, o) => void (o.target = v),
  network: (v, o) => void (o.network = v),
  platform: (v, o) => void (o.platform = v),
  'add-host': (v, o, p) => {
    const m = /^([^:=\s]+)[:=](\S+)$/.exec(v);
    if (m) o.extraHosts.push(`${m[1]}:${m[2]}`);
    else p.warn(`build.options: ${p.flag} "${short(v)}" should be "name:ip"; it is ignored.`);
  },
  'shm-size': (v, o, p) => {
    const bytes = parseBytes(v);
    if (bytes === undefined)
      p.warn(`build.options: ${p.flag} "${short(v)}" is not a size (e.g. 1g, 512m); it is ignored.`);
    else o.shmSize = bytes;
  },
  'cache-from': (v, o, p) => {
    if (isCacheBackend(v))
      p.warn(`build.options: ${p.flag} "${short(v)}" is a BuildKit cache source, not an image; it is ignored.`);
    else if (!o.cacheFrom.includes(v)) o.cacheFrom.push(v);
  },
};

/** Boolean flags we honour; `--no-cache=false` is read too. */
const BOOL_FLAGS: Record<string, (v: boolean, o: BuildFlags) => void> = {
  'no-cache': (v, o) => void (o.noCache = v),
  pull: (v, o) => void (o.pull = v),
};

/** `docker build` / `buildx build` flags we do not honour that take no value. */
const UNHONOURED_BOOL = new Set([
  'load',
  'push',
  'quiet',
  'rm',
  'force-rm',
  'compress',
  'squash',
  'disable-content-trust',
  'check',
  'help',
  'debug',
]);
/** Short flags: -q takes no value; -t, -f, -o, -m, -c … do. */
const SHORT_BOOL = new Set(['q', 'D']);

/** Reads `build.options`; never throws. Flags not honoured are named in one warning. */
export function parseBuildOptions(args: readonly string[], ctx: BuildOptionsContext = {}): ParsedBuildOptions {
  const flags: BuildFlags = { buildArgs: {}, labels: {}, extraHosts: [], cacheFrom: [] };
  const warnings: string[] = [];
  const warn = (message: string) => void warnings.push(message);
  const unhonoured: string[] = [];
  const skip = (shown: string) => void (unhonoured.includes(shown) || unhonoured.push(shown));
  const n = Math.min(args.length, BUILD_OPTIONS_MAX_ARGS);
  if (args.length > n) warn(`build.options: only the first ${n} of ${args.length} arguments are read.`);
  const next = (i: number) => (i + 1 < n && typeof args[i + 1] === 'string' ? args[i + 1] : undefined);
  /** An unknown flag takes the next argument as its value unless that is a flag itself. */
  const valueOfUnknown = (i: number, hasValue: boolean) => (!hasValue && next(i)?.startsWith('-') === false ? 1 : 0);
  for (let i = 0; i < n; i++) {
    const arg = args[i];
    if (typeof arg !== 'string') continue;
    if (/^-[a-zA-Z]/.test(arg)) {
      // Every short flag of `docker build` is one we do not honour (-t, -f, -o, -q, -m, -c, …).
      const letter = arg[1];
      skip(`-${letter}`);
      if (!SHORT_BOOL.has(letter)) i += valueOfUnknown(i, arg.length > 2);
      continue;
    }
    if (!arg.startsWith('--') || arg.length === 2) {
      skip(`"${short(arg)}"`);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let value = eq < 0 ? undefined : arg.slice(eq + 1);
    const shown = `--${short(name)}`;
    if (Object.hasOwn(VALUE_FLAGS, name)) {
      if (value === undefined) {
        value = next(i);
        if (value === undefined) {
          warn(`build.options: ${shown} needs a value; it is ignored.`);
          continue;
        }
        i++;
      }
      VALUE_FLAGS[name](value, flags, { ...ctx, warn, flag: shown });
    } else if (Object.hasOwn(BOOL_FLAGS, name)) {
      if (value === undefined || value === 'true' || value === '1') BOOL_FLAGS[name](true, flags);
      else if (value === 'false' || value === '0') BOOL_FLAGS[name](false, flags);
      else warn(`build.options: ${shown}=${short(value)} should be true or false; it is ignored.`);
    } else {
      skip(shown);
      if (!UNHONOURED_BOOL.has(name)) i += valueOfUnknown(i, value !== undefined);
    }
  }
  if (unhonoured.length) warnings.unshift(notHonoured('build.options', unhonoured));
  return { flags, warnings };
}

/** One line naming what is not honoured. */
function notHonoured(where: string, names: readonly string[]): string {
  const list = names.length > 12 ? `${names.slice(0, 12).join(', ')} and ${names.length - 12} more` : names.join(', ');
  return (
    `${where}: ${list} ${names.length === 1 ? 'is' : 'are'} not honoured (the image is built through the ` +
    "engine's API, not the docker CLI); it is built without them."
  );
}

/** build.cacheFrom: image names are honoured; BuildKit cache sources are one warning. */
export function cacheFromImages(list: readonly string[]): { images: string[]; warnings: string[] } {
  const images: string[] = [];
  const backends: string[] = [];
  for (const ref of list) {
    if (!ref.trim()) continue;
    if (isCacheBackend(ref)) backends.push(`"${short(ref)}"`);
    else if (!images.includes(ref)) images.push(ref);
  }
  const what = backends.length === 1 ? 'is a BuildKit cache source' : 'are BuildKit cache sources';
  const warnings = backends.length
    ? [
        `build.cacheFrom: ${backends.join(', ')} ${what}, which the engine's API build does not read; ` +
          'only image names are used.',
      ]
    : [];
  return { images, warnings };
}

/**
 * Mounts of a dev container: its `workspaceMount` (or the default bind of the folder) and its
 * `mounts` entries, in the `--mount` string form or the schema's object form.
 */
import { basename, isAbsolute, posix, resolve } from 'node:path';
import type { DevcontainerMountEntry } from '../detection/types';
import { RuntimeError } from '../runtime/errors';
import type { MountSpec } from '../runtime/types';
import { substitute, type SubstitutionContext } from './substitute';

/** Where a folder goes when nothing says otherwise: /workspaces/<folder name>. */
export function defaultWorkspaceFolder(folder: string): string {
  return posix.join('/workspaces', basename(resolve(folder)));
}

/** The mount string devcontainers.ts writes when a config has no `workspaceMount`. */
export function isDefaultMountString(mount: string, folder: string): boolean {
  const f = resolve(folder);
  return [f, folder].some(
    (p) => mount === `source=${p},target=/workspaces/${basename(p)},type=bind,consistency=cached`,
  );
}

type Field = 'type' | 'source' | 'target' | 'readonly' | 'tmpfsSize' | 'tmpfsMode' | 'ignored' | 'unsupported';

/** The `--mount` keys: what each one sets; `unsupported` ones are valid but MountSpec cannot say them. */
const KEYS: Record<string, Field> = {
  type: 'type',
  source: 'source',
  src: 'source',
  target: 'target',
  destination: 'target',
  dst: 'target',
  readonly: 'readonly',
  ro: 'readonly',
  // Docker Desktop's file sharing hint; no effect on Linux engines.
  consistency: 'ignored',
  'tmpfs-size': 'tmpfsSize',
  'tmpfs-mode': 'tmpfsMode',
  'bind-propagation': 'unsupported',
  'bind-nonrecursive': 'unsupported',
  'bind-recursive': 'unsupported',
  'volume-driver': 'unsupported',
  'volume-opt': 'unsupported',
  'volume-nocopy': 'unsupported',
  'volume-subpath': 'unsupported',
};

/** A mount as a `mounts` entry gives it: a bind or volume (MountSpec), or a tmpfs. */
export interface ParsedMount {
  mount?: MountSpec;
  /** type=tmpfs: the target and its `--tmpfs` options ("size=…,mode=…", "ro"), for HostConfig.Tmpfs. */
  tmpfs?: { target: string; options: string };
  /** What was written but is not honoured ("bind-propagation=rshared is not honoured"). */
  warnings: string[];
}

interface Fields {
  type: string;
  source?: string;
  target?: string;
  readOnly: boolean;
  tmpfs: string[];
  unsupported: string[];
}

/**
 * Splits `source=…,target=…,type=…[,readonly][,…]` into its fields. Variables are substituted in each
 * value after splitting, so a folder path holding "," or "=" stays whole.
 */
function mountFields(text: string, c: SubstitutionContext, invalid: (why: string) => RuntimeError): Fields {
  const f: Fields = { type: 'bind', readOnly: false, tmpfs: [], unsupported: [] };
  for (const part of text.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim();
    const key = Object.hasOwn(KEYS, name.toLowerCase()) ? KEYS[name.toLowerCase()] : undefined;
    const value = eq < 0 ? undefined : substitute(p.slice(eq + 1).trim(), c);
    if (!key) throw invalid(`has an unknown field "${name.slice(0, 60)}"`);
    if (key === 'ignored') continue;
    if (key === 'unsupported') f.unsupported.push(p.slice(0, 80));
    else if (key === 'readonly') f.readOnly = value === undefined || value === 'true' || value === '1';
    else if (value === undefined || value === '') throw invalid(`has no value for "${name}"`);
    else if (key === 'tmpfsSize') f.tmpfs.push(`size=${value}`);
    else if (key === 'tmpfsMode') f.tmpfs.push(`mode=${value}`);
    else if (key === 'type') f.type = value.toLowerCase();
    else f[key] = value;
  }
  return f;
}

/** A bind's relative source is taken from the workspace folder. */
function toMountSpec(f: Fields, c: SubstitutionContext): MountSpec {
  const type = f.type as 'bind' | 'volume';
  const source = type === 'bind' && !isAbsolute(f.source!) ? resolve(c.folder, f.source!) : f.source!;
  return { type, source, target: f.target!, ...(f.readOnly ? { readOnly: true } : {}) };
}

const workspaceMountInvalid = (why: string) =>
  new RuntimeError(
    'invalidArgument',
    `The dev container's "workspaceMount" ${why}.`,
    'Write it as "source=${localWorkspaceFolder},target=/workspaces/NAME,type=bind".',
  );

/**
 * Parses a `workspaceMount` (the `--mount` form): a bind or volume with a source and an absolute
 * target. A relative bind source is taken from the workspace folder.
 */
export function parseMountString(text: string, c: SubstitutionContext): MountSpec {
  const f = mountFields(text, c, workspaceMountInvalid);
  if (f.type !== 'bind' && f.type !== 'volume')
    throw workspaceMountInvalid(`has type "${f.type}"; only bind and volume mounts are supported`);
  if (!f.source) throw workspaceMountInvalid('has no source');
  if (!f.target || !f.target.startsWith('/')) throw workspaceMountInvalid('needs an absolute target');
  return toMountSpec(f, c);
}

/**
 * One `mounts` entry, with its variables substituted: a bind or volume (MountSpec), a tmpfs, or
 * nothing when what it says cannot be done here (an anonymous volume) — each such thing a warning.
 * Throws a RuntimeError naming the entry when it cannot be read at all.
 */
export function parseMount(entry: DevcontainerMountEntry, c: SubstitutionContext): ParsedMount {
  const shown = typeof entry === 'string' ? entry : JSON.stringify(entry);
  const label = `"${shown.slice(0, 100)}${shown.length > 100 ? '…' : ''}"`;
  const invalid = (why: string) =>
    new RuntimeError(
      'invalidArgument',
      `The dev container's mount ${label} ${why}.`,
      'Write it as "source=NAME_OR_PATH,target=/absolute/path,type=bind|volume|tmpfs" (the --mount form).',
    );
  const f: Fields =
    typeof entry === 'string'
      ? mountFields(entry, c, invalid)
      : {
          type: entry.type,
          source: entry.source === undefined || entry.source === '' ? undefined : substitute(entry.source, c),
          target: substitute(entry.target, c),
          readOnly: false,
          tmpfs: [],
          unsupported: [],
        };
  const warnings = f.unsupported.map((u) => `mounts: ${u} in ${label} is not honoured.`);
  if (!f.target || !f.target.startsWith('/')) throw invalid('needs an absolute target');
  if (f.type === 'tmpfs') {
    if (f.source) warnings.push(`mounts: a tmpfs has no source; "${f.source.slice(0, 80)}" in ${label} is ignored.`);
    const options = [...(f.readOnly ? ['ro'] : []), ...f.tmpfs].join(',');
    return { tmpfs: { target: f.target, options }, warnings };
  }
  if (f.type !== 'bind' && f.type !== 'volume')
    throw invalid(`has type "${f.type.slice(0, 40)}"; a mount is a bind, a volume or a tmpfs`);
  if (f.tmpfs.length)
    warnings.push(`mounts: tmpfs-size and tmpfs-mode apply to a tmpfs only; in ${label} they are ignored.`);
  if (!f.source) {
    if (f.type === 'bind') throw invalid('has no source');
    warnings.push(`mounts: ${label} is an anonymous volume (no source), which is not supported; it is left out.`);
    return { warnings };
  }
  return { mount: toMountSpec(f, c), warnings };
}

/**
 * This machine's git settings that mean the same inside a container (identity, branch and merge
 * habits, colours, aliases that are not shell commands), read as git sees them for the folder, and
 * the include file the container's git reads them from. Credential helpers, paths and programs are
 * never copied: they mean nothing inside, or would reach back here by another way.
 */
import { runHost } from './hostRun';

/** Keys copied as they are (lowercase, as `git config --list` prints them). */
const COPIED = new Set([
  'user.name',
  'user.email',
  'init.defaultbranch',
  'pull.rebase',
  'pull.ff',
  'push.default',
  'push.autosetupremote',
  'push.followtags',
  'fetch.prune',
  'fetch.prunetags',
  'merge.conflictstyle',
  'merge.ff',
  'rebase.autosquash',
  'rebase.autostash',
  'rebase.updaterefs',
  'diff.algorithm',
  'diff.colormoved',
  'diff.renames',
  'branch.autosetuprebase',
  'branch.sort',
  'tag.sort',
  'rerere.enabled',
  'rerere.autoupdate',
  'help.autocorrect',
  'log.date',
  'log.decorate',
  'status.showuntrackedfiles',
  'column.ui',
  'core.whitespace',
]);
/** Sections copied whole: colours and advice are harmless anywhere. */
const COPIED_SECTIONS = ['color.', 'advice.'];
/** Signing: only with GPG forwarded, and only for OpenPGP (an SSH or X.509 key is a path here). */
const SIGNING = new Set(['user.signingkey', 'commit.gpgsign', 'tag.gpgsign', 'tag.forcesignannotated']);

export interface HostGitConfig {
  /** The copied entries, last value of each key. */
  entries: [string, string][];
  /** user.name and user.email both set. */
  hasIdentity: boolean;
  /** Why nothing could be read (git missing, timed out). */
  note?: string;
}

/** `git config --list -z` output: "key\nvalue\0" records. */
export function parseConfigList(z: string): [string, string][] {
  const out: [string, string][] = [];
  for (const rec of z.split('\0')) {
    if (!rec) continue;
    const nl = rec.indexOf('\n');
    // A key without "=": a boolean written bare, which git reads as true.
    out.push(nl < 0 ? [rec, 'true'] : [rec.slice(0, nl), rec.slice(nl + 1)]);
  }
  return out;
}

/** The entries worth copying into a container, the last value of each key kept. */
export function safeEntries(all: readonly [string, string][], o: { signing: boolean }): [string, string][] {
  const byKey = new Map<string, string>();
  const format = all
    .filter(([k]) => k.toLowerCase() === 'gpg.format')
    .pop()?.[1]
    ?.toLowerCase();
  const openpgp = format === undefined || format === 'openpgp';
  for (const [key, value] of all) {
    const lower = key.toLowerCase();
    const copy =
      COPIED.has(lower) ||
      COPIED_SECTIONS.some((s) => lower.startsWith(s)) ||
      (lower.startsWith('alias.') && !value.trimStart().startsWith('!')) ||
      (o.signing && openpgp && SIGNING.has(lower));
    if (!copy) continue;
    byKey.delete(key);
    byKey.set(key, value);
  }
  return [...byKey];
}

/** This machine's git config as git sees it in `folder` (its repository's settings too). */
export async function readHostGitConfig(
  folder: string | undefined,
  o: { env?: NodeJS.ProcessEnv; signing: boolean },
): Promise<HostGitConfig> {
  const r = await runHost('git', ['config', '--list', '-z'], {
    ...(folder ? { cwd: folder } : {}),
    env: o.env,
    timeoutMs: 10_000,
  });
  if (r.error === 'missing') return { entries: [], hasIdentity: false, note: 'git is not installed on this machine' };
  if (r.error) return { entries: [], hasIdentity: false, note: `git config could not be read (${r.error})` };
  // Exit 1 with nothing: no config at all.
  const entries = safeEntries(parseConfigList(r.stdout), { signing: o.signing });
  const has = (k: string) => entries.some(([key, v]) => key.toLowerCase() === k && v.trim() !== '');
  return { entries, hasIdentity: has('user.name') && has('user.email') };
}

/** A value in git's config syntax: quoted, with its backslashes, quotes and line breaks escaped. */
function quote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

const NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

/** One entry as a `[section "sub"]` block; undefined for a key git could not have printed. */
function block(key: string, value: string): string | undefined {
  const first = key.indexOf('.');
  const last = key.lastIndexOf('.');
  if (first <= 0 || last === key.length - 1) return undefined;
  const section = key.slice(0, first);
  const name = key.slice(last + 1);
  if (!NAME.test(section) || !NAME.test(name)) return undefined;
  const sub = first === last ? undefined : key.slice(first + 1, last);
  // eslint-disable-next-line no-control-regex
  if (sub !== undefined && /[\n\u0000]/.test(sub)) return undefined;
  const head = sub === undefined ? `[${section}]` : `[${section} ${quote(sub)}]`;
  return `${head}\n\t${name} = ${quote(value)}\n`;
}

/** The include file: the copied entries and safe.directory for the workspace folder. */
export function renderGitInclude(entries: readonly [string, string][], safeDirectories: readonly string[]): string {
  const parts = [
    "# Written by Container Workspaces from this machine's git config at each start; edits here are lost.\n",
  ];
  for (const [k, v] of entries) {
    const b = block(k, v);
    if (b) parts.push(b);
  }
  for (const d of safeDirectories) parts.push(block('safe.directory', d)!);
  return parts.join('');
}

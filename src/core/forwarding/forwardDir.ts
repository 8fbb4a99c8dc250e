/**
 * The forwarding folder of one workspace container, on this machine: `<base>/<random>` (base
 * ~/.cache/cws-fwd, 0700, so nobody else here can reach in), mounted read-only in the container at
 * FORWARD_MOUNT. It holds the sockets while they are served, the git include file, the public keys
 * and the credential helper script; the token lives only here (0600) and in the container's git
 * config. Kept across restarts of VS Code (the container's mount needs it), removed with the container.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { FORWARD_FILES, FORWARD_MOUNT, forwardedItems, type ForwardState } from './types';

/** Where the forwarding folders live: CWS_FORWARD_DIR, else $XDG_CACHE_HOME/cws-fwd, else ~/.cache/cws-fwd. */
export function forwardBase(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CWS_FORWARD_DIR) return resolve(env.CWS_FORWARD_DIR);
  const cache = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(cache, 'cws-fwd');
}

const DIR_NAME = /^[0-9a-f]{16}$/;
const TOKEN = /^[0-9a-f]{32}$/;

/**
 * The container's git credential helper: git runs it as `git-credential TOKEN get|store|erase`; it
 * hands the request, token first, to git's own credential-cache client, which speaks to git.sock
 * beside it. Nothing to answer (nobody serves the socket): git goes on as if there were no helper.
 */
export const GIT_HELPER_SCRIPT = `#!/bin/sh
# Container Workspaces: git asks this machine's host for HTTPS credentials while VS Code or cws
# serves this container. Nothing is stored in the container.
case "$2" in get|store|erase) ;; *) exit 0 ;; esac
sock="\${0%/*}/${FORWARD_FILES.gitSocket}"
[ -S "$sock" ] || exit 0
{ printf 'cws-token=%s\\n' "$1"; cat; } | git credential-cache --socket "$sock" "$2" 2>/dev/null
exit 0
`;

/** Writes a file whole or not at all (a reader never sees half of it). */
export async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

/** The folder (made again when a cleaned cache lost it) and its token (a new one when lost). */
export async function ensureForwardDir(dir: string): Promise<{ token: string; renewed: boolean }> {
  await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
  await chmod(dirname(dir), 0o700);
  await mkdir(dir, { recursive: true, mode: 0o711 });
  // Traversable by the container's user (another uid), listable by nobody else.
  await chmod(dir, 0o711);
  await writeAtomic(join(dir, FORWARD_FILES.gitHelper), GIT_HELPER_SCRIPT, 0o755);
  const tokenFile = join(dir, FORWARD_FILES.token);
  const old = (await readFile(tokenFile, 'utf8').catch(() => '')).trim();
  if (TOKEN.test(old)) return { token: old, renewed: false };
  const token = randomBytes(16).toString('hex');
  await writeAtomic(tokenFile, `${token}\n`, 0o600);
  return { token, renewed: true };
}

/** A new forwarding folder for a container about to be created. */
export async function makeForwardDir(env: NodeJS.ProcessEnv = process.env): Promise<{ dir: string; token: string }> {
  const dir = join(forwardBase(env), randomBytes(8).toString('hex'));
  const { token } = await ensureForwardDir(dir);
  return { dir, token };
}

/** Removes a forwarding folder — only one of ours (a random name under the base). */
export async function removeForwardDir(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!isOurs(dir, env)) return;
  await rm(dir, { recursive: true, force: true });
}

function isOurs(dir: string, env: NodeJS.ProcessEnv): boolean {
  return isAbsolute(dir) && DIR_NAME.test(basename(dir)) && dirname(resolve(dir)) === forwardBase(env);
}

/** The container's label value. */
export function forwardLabel(state: ForwardState): string {
  return JSON.stringify({ dir: state.dir, items: state.items });
}

/** A label's state; undefined for one we did not write. */
export function parseForwardLabel(label: string | undefined): ForwardState | undefined {
  if (!label) return undefined;
  try {
    const v = JSON.parse(label) as { dir?: unknown; items?: unknown };
    if (typeof v.dir !== 'string' || !isAbsolute(v.dir) || !DIR_NAME.test(basename(v.dir))) return undefined;
    const items = forwardedItems(label);
    return { dir: v.dir, items };
  } catch {
    return undefined;
  }
}

/** Inside the container: a file or socket of the forwarding folder. */
export function inContainer(name: string): string {
  return `${FORWARD_MOUNT}/${name}`;
}

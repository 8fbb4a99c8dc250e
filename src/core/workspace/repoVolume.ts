/**
 * A workspace that is not a folder on this machine: a repository cloned into a named volume (by a
 * helper container, with this machine's git credentials and SSH agent forwarded into it), whose
 * dev container config is copied out to a folder of ours for detection and the build, and whose
 * workspace container gets the volume as its workspace folder. The same URL reuses the volume.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { extractTar } from '../registry/tar';
import { RuntimeError } from '../runtime/errors';
import { escapeControl } from '../text/escapeControl';
import { LABELS } from '../runtime/labels';
import type { ContainerRuntime, LogChunk, MountSpec } from '../runtime/types';
import { forwardAtCreate, releaseForwarding, withForwarding } from './forwarding';
import { cancelledError, checkSignal } from './cancel';
import { detectDirectory } from '../detection/detect';
import { createWorkspaceContainer } from './create';
import { imageSource, workspaceSources } from './sources';
import type { CreateWorkspaceOptions, WorkspaceContainer, WorkspaceForwarding, WorkspaceProgress } from './types';

import { REPO_MOUNT } from './types';

export { REPO_MOUNT };
export { repoVolumeOf, shortRepoAddress } from './repoAddress';
import { normalRepoUrl, REPO_VOLUME_NAME } from './repoAddress';

/** The helper's image when none is given: a small one with git and ssh. */
export const DEFAULT_CLONE_IMAGE = 'docker.io/alpine/git:latest';

export interface RepoRef {
  url: string;
  ref?: string;
}

/** A URL git can clone over the network, never an option or a transport that runs a program. */
export function checkRepoUrl(url: string): void {
  const u = url.trim();
  const ok = /^(https?|ssh|git):\/\/[^\s/]+\/\S*$/i.test(u) || /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s-][^\s]*$/.test(u);
  // eslint-disable-next-line no-control-regex
  if (!ok || /[\u0000-\u001f\u007f]/.test(u))
    throw new RuntimeError(
      'invalidArgument',
      `Not a repository address git can clone: "${u.slice(0, 200)}".`,
      'Give an https://, ssh:// or git@host:path address.',
    );
  // A password in the address would be kept in the container's labels and git config for anyone to read.
  if (/^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(u))
    throw new RuntimeError(
      'invalidArgument',
      'The repository address holds a password.',
      "Leave it out (https://host/path): this machine's git credentials are lent to the clone.",
    );
}

/** A branch, tag or commit: no option, no space, nothing git refuses in a ref. */
export function checkRef(ref: string): void {
  // eslint-disable-next-line no-control-regex
  if (!ref || ref.startsWith('-') || /[\s~^:?*[\\\u0000-\u001f\u007f]|\.\.|@\{|\/\/|\.lock$|\/$/.test(ref))
    throw new RuntimeError('invalidArgument', `Not a branch, tag or commit: "${ref.slice(0, 100)}".`);
}

/** The repository's folder name: its last path segment without `.git` ("repo" when nothing is left). */
export function repoFolderName(url: string): string {
  const last = url.trim().replace(/\/+$/, '').split(/[/:]/).pop() ?? '';
  const name = last
    .replace(/\.git$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '');
  return name.slice(0, 60) || 'repo';
}

/** The volume's name: the same for the same URL and ref ("cws-repo-<name>-<hash>"). */
export function repoVolumeName(r: RepoRef): string {
  const key = `${normalRepoUrl(r.url)}#${r.ref ?? ''}`;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 10);
  const name = repoFolderName(r.url)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `cws-repo-${name || 'repo'}-${hash}`;
}

/** Where the configs copied from repository volumes live here: ~/.cache/container-workspaces/repos. */
function reposBase(env: NodeJS.ProcessEnv): string {
  return env.CWS_REPOS_DIR && isAbsolute(env.CWS_REPOS_DIR)
    ? env.CWS_REPOS_DIR
    : join(
        env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), '.cache'),
        'container-workspaces',
        'repos',
      );
}

/** Where the config copied from the volume lives here: ~/.cache/container-workspaces/repos/<volume>/<name>. */
export function repoConfigFolder(volume: string, folderName: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(reposBase(env), volume, folderName);
}

/** What `removeRepoVolume` did: deleted, or kept because a container still uses it. */
export type RepoVolumeRemoval = 'deleted' | 'inUse' | 'gone';

/**
 * Deletes a repository volume (the clone in it, with any work not pushed) and the config copied
 * out of it. Only a name we make ("cws-repo-…", from a workspace container's label) is accepted.
 * A volume another container still uses is kept ('inUse'); one already gone is 'gone'.
 */
export async function removeRepoVolume(
  rt: ContainerRuntime,
  volume: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RepoVolumeRemoval> {
  if (!REPO_VOLUME_NAME.test(volume))
    throw new RuntimeError('invalidArgument', `Not a repository volume of ours: "${volume.slice(0, 80)}".`);
  let result: RepoVolumeRemoval = 'deleted';
  try {
    await rt.removeVolume(volume);
  } catch (err) {
    if (!(err instanceof RuntimeError)) throw err;
    if (err.code === 'conflict' || /in use/i.test(err.message)) return 'inUse';
    if (err.code !== 'notFound') throw err;
    result = 'gone';
  }
  await rm(resolve(reposBase(env), volume), { recursive: true, force: true });
  return result;
}

export interface CloneOptions {
  /** The helper's image (git, and ssh for SSH remotes); default DEFAULT_CLONE_IMAGE. */
  image?: string;
  /** The helper's network (a remote only the host's network reaches: `host`). */
  network?: string;
  forwarding?: WorkspaceForwarding;
  onProgress?: (p: WorkspaceProgress) => void;
  signal?: AbortSignal;
  /** Extra labels on the helper (tests). */
  labels?: Record<string, string>;
}

export interface ClonedRepo {
  volume: string;
  folderName: string;
  /** Inside a container with the volume at REPO_MOUNT: the repository. */
  path: string;
  /** The volume held the clone already (the same URL before). */
  reused: boolean;
}

/** Runs a helper container on the volume to its end; its output goes to `onLine`; resolves with its exit code. */
async function runHelper(
  rt: ContainerRuntime,
  volume: string,
  cmd: string[],
  o: CloneOptions & { entrypoint: string[]; env?: Record<string, string>; onLine?: (line: string) => void },
  extra?: { mounts?: MountSpec[]; labels?: Record<string, string>; env?: Record<string, string> },
): Promise<{ exitCode: number; id: string }> {
  const spec = {
    image: o.image ?? DEFAULT_CLONE_IMAGE,
    entrypoint: o.entrypoint,
    cmd,
    user: '0',
    labels: { ...(o.labels ?? {}), [LABELS.repoVolume]: volume, 'dev.containerworkspaces.helper': 'clone' },
    env: { ...(o.env ?? {}) },
    mounts: [{ type: 'volume' as const, source: volume, target: REPO_MOUNT }],
    ...(o.network ? { host: { network: o.network } } : {}),
  };
  const id = await rt.createContainer({
    ...spec,
    mounts: [...spec.mounts, ...(extra?.mounts ?? [])],
    labels: { ...spec.labels, ...(extra?.labels ?? {}) },
    env: { ...spec.env, ...(extra?.env ?? {}) },
  });
  try {
    return { exitCode: await followToEnd(rt, id, o), id };
  } catch (err) {
    await rt.remove(id, { force: true }).catch(() => undefined); // cancelled, or the engine went
    throw err;
  }
}

/** Starts the helper, passes its output on line by line, and waits for its exit (a cancel kills it). */
async function followToEnd(rt: ContainerRuntime, id: string, o: CloneOptions & { onLine?: (l: string) => void }) {
  const onAbort = () => void rt.kill(id).catch(() => undefined);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await rt.start(id);
    let partial = '';
    const sub = await rt.logs(id, { follow: true }, (c: LogChunk) => {
      const text = partial + c.text.replace(/\r/g, '\n');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) o.onLine?.(l);
    });
    const code = await rt.wait(id);
    // The rest of its output, which the engine sends as the stream ends.
    await Promise.race([sub.ended, new Promise((r) => setTimeout(r, 5_000))]);
    sub.close();
    if (partial.trim()) o.onLine?.(partial);
    if (o.signal?.aborted) throw cancelledError();
    return code;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The probe: exit 0 with "origin=URL" for a clone at $1, PROBE_TAKEN for anything else there (a
 * file, or a folder with something in it), 1 for nothing (or an empty folder). Git reads the
 * clone's config as root on a folder the remote user owns: safe.directory is given for this call.
 */
const PROBE_TAKEN = 3;
/**
 * The clone makes its folder first, atomically: a folder that is there already (a clone started
 * meanwhile) is never cloned into, nor tidied away after a failure (exit CLONE_RACED).
 */
const CLONE_RACED = 97;
const CLONE_SCRIPT = `mkdir "$1" || exit ${CLONE_RACED}; d=$1; shift; exec git "$@" "$d"`;
const PROBE_SCRIPT = [
  'if [ -d "$1/.git" ]; then',
  '  printf "origin=%s\\n" "$(git -c safe.directory="*" -C "$1" config --get remote.origin.url)"; exit 0',
  'fi',
  `if [ -e "$1" ] && { [ ! -d "$1" ] || [ -n "$(ls -A "$1")" ]; }; then exit ${PROBE_TAKEN}; fi`,
  'exit 1',
].join('\n');

/** The command that deletes a volume, for hints. */
const volumeRm = (rt: ContainerRuntime) => (rt.id === 'apple' ? 'container volume delete' : `${rt.id} volume rm`);

/** What to do after a failed clone, from git's own reason. */
function cloneHint(reason: string): string {
  if (/Authentication failed|could not read Username|terminal prompts disabled|403|401/i.test(reason))
    return (
      "This machine's git credentials were refused or missing: check them (`git credential fill` here), " +
      'and that forwarding of git credentials is on.'
    );
  if (/not found in upstream|Remote branch/i.test(reason))
    return 'That branch or tag is not in the repository: check its name, or leave it empty for the default branch.';
  if (/Could not resolve host|Failed to connect|Connection refused|timed out|unreachable/i.test(reason))
    return (
      "The server could not be reached from the clone's helper container: check the address, and the " +
      'clone network setting (containerWorkspaces.clone.network) for a server only this machine reaches.'
    );
  if (/Permission denied \(publickey|Host key verification failed/i.test(reason))
    return (
      "The SSH server refused: check that this machine's SSH agent holds the key (`ssh-add -l`), " +
      'and that forwarding of the SSH agent is on.'
    );
  return (
    'Check the address, and that this machine can fetch it (its git credentials or SSH agent); ' +
    "git's output is in the log."
  );
}

/**
 * Clones the repository into its volume with a helper container (or finds it cloned there before),
 * this machine's HTTPS credentials and SSH agent forwarded for the clone only. A failed clone
 * leaves no half-cloned folder in the volume, nor the volume when it holds nothing else. A volume
 * that holds something else where the clone goes (another repository, files) is left untouched.
 */
export async function cloneIntoVolume(rt: ContainerRuntime, r: RepoRef, o: CloneOptions = {}): Promise<ClonedRepo> {
  checkRepoUrl(r.url);
  if (r.ref !== undefined) checkRef(r.ref);
  const volume = repoVolumeName(r);
  const folderName = repoFolderName(r.url);
  const path = `${REPO_MOUNT}/${folderName}`;
  const helpers: string[] = [];
  let dropVolume = false;
  const cleanUp = async () => {
    await Promise.all(helpers.map((id) => rt.remove(id, { force: true }).catch(() => undefined)));
    if (dropVolume) await rt.removeVolume(volume).catch(() => undefined);
  };
  try {
    o.onProgress?.({ message: `Looking for ${folderName} in volume ${volume}…` });
    // What the volume holds at the clone's place: a clone (its origin printed), something else, or nothing.
    const seen: string[] = [];
    const probe = await runHelper(rt, volume, ['-c', PROBE_SCRIPT, 'sh', path], {
      ...o,
      entrypoint: ['/bin/sh'],
      onLine: (l) => seen.push(l),
    });
    helpers.push(probe.id);
    checkSignal(o.signal);
    if (probe.exitCode === 0) {
      const origin = seen.find((l) => l.startsWith('origin='))?.slice('origin='.length) ?? '';
      if (normalRepoUrl(origin) === normalRepoUrl(r.url)) {
        o.onProgress?.({ message: `Reusing the clone in volume ${volume}.` });
        return { volume, folderName, path, reused: true };
      }
      throw new RuntimeError(
        'conflict',
        `Volume ${volume} already holds a clone of another repository ` +
          `(${escapeControl(origin || 'no origin', { maxLength: 200 })}) at ${path}.`,
        `Nothing was changed. Remove that volume if it is not needed (\`${volumeRm(rt)} ${volume}\`), ` +
          'or clone with another branch or tag.',
      );
    }
    if (probe.exitCode === PROBE_TAKEN)
      throw new RuntimeError(
        'conflict',
        `Volume ${volume} already has ${path}, and it is not a git clone.`,
        `Nothing was changed. Look at what is in it, then remove that volume ` +
          `(\`${volumeRm(rt)} ${volume}\`) to clone afresh.`,
      );
    if (probe.exitCode !== 1)
      throw new RuntimeError(
        'internal',
        `The helper could not look into volume ${volume} (exit code ${probe.exitCode}); nothing was changed.`,
      );
    o.onProgress?.({ message: `Cloning ${r.url}${r.ref ? ` (${r.ref})` : ''} into volume ${volume}…` });
    const fw = o.forwarding
      ? await forwardAtCreate(
          rt,
          { ...o.forwarding, choice: { ...o.forwarding.choice, gitIdentity: false, gpg: false } },
          (w) => o.onProgress?.({ message: `Warning: ${w}` }),
        )
      : undefined;
    try {
      // A clone over SSH meets the server's host key for the first time here: it is accepted then.
      const env = {
        GIT_TERMINAL_PROMPT: '0',
        GIT_SSH_COMMAND: 'ssh -o StrictHostKeyChecking=accept-new -o BatchMode=yes',
      };
      const spec = withForwarding({ image: '', env, mounts: [], labels: {} }, fw);
      // The credential helper is given on the command line: the helper container has no git config of ours.
      const token = fw
        ? (
            await o.forwarding!.servers.serve(fw.state, {
              choice: o.forwarding!.choice,
              workspaceFolder: REPO_MOUNT,
              ...(o.forwarding!.env ? { env: o.forwarding!.env } : {}),
              ...(o.forwarding!.log ? { log: o.forwarding!.log } : {}),
            })
          ).token
        : '';
      const helperArg = fw?.state.items.includes('gitCredentials')
        ? ['-c', 'credential.helper=', '-c', `credential.helper=/run/container-workspaces/git-credential ${token}`]
        : [];
      const cmd = [...helperArg, 'clone', '--progress', ...(r.ref ? ['--branch', r.ref] : []), '--', r.url.trim()];
      let reason = '';
      // Nothing was at the clone's place before (the probe said so): what git left there goes, also
      // after a cancel (a half-clone would pass for a clone next time); the volume itself goes too
      // when nothing else is in it (exit 0 from the tidy-up).
      const tidyUp = async () => {
        const { signal: _cancelled, ...rest } = o;
        const script = 'rm -rf "$1"; [ -z "$(ls -A "$2")" ]';
        const tidy = await runHelper(rt, volume, ['-c', script, 'sh', path, REPO_MOUNT], {
          ...rest,
          entrypoint: ['/bin/sh'],
        });
        helpers.push(tidy.id);
        dropVolume = tidy.exitCode === 0;
      };
      let clone: { exitCode: number; id: string };
      try {
        clone = await runHelper(
          rt,
          volume,
          ['-c', CLONE_SCRIPT, 'sh', path, ...cmd],
          {
            ...o,
            entrypoint: ['/bin/sh'],
            onLine: (l) => {
              if (/^(fatal|error): /.test(l)) reason ||= l;
              o.onProgress?.({ message: l });
            },
          },
          { mounts: spec.mounts, labels: spec.labels, env: spec.env },
        );
      } catch (err) {
        await tidyUp().catch(() => undefined);
        throw err;
      }
      helpers.push(clone.id);
      if (clone.exitCode === CLONE_RACED)
        throw new RuntimeError(
          'conflict',
          `${path} appeared in volume ${volume} as the clone began: another clone of it is under way, or an ` +
            'empty folder is there.',
          'Nothing was changed. Wait for the other clone and run this again (it will reuse it), or remove ' +
            `that volume (\`${volumeRm(rt)} ${volume}\`).`,
        );
      if (clone.exitCode !== 0) {
        await tidyUp();
        const why = reason ? `: ${escapeControl(reason.replace(/^(fatal|error): /, ''), { maxLength: 300 })}` : '';
        throw new RuntimeError(
          'internal',
          `git clone of ${r.url} failed (exit code ${clone.exitCode})${why}.`.replace(/\.\.$/, '.'),
          cloneHint(reason),
        );
      }
    } finally {
      if (fw) await releaseForwarding(fw.labels, o.forwarding?.servers, o.forwarding?.env);
    }
    return { volume, folderName, path, reused: false };
  } finally {
    await cleanUp();
  }
}

/** Dev container files copied out of the volume: at most this much (a config is a few KB). */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/**
 * Copies the repository's dev container files (`.devcontainer/`, `.devcontainer.json`) out of the
 * volume into `dest` (emptied first), through a helper's tar on stdout (base64: the exec's output is
 * text). Nothing there: `dest` is left empty.
 */
export async function copyRepoConfig(
  rt: ContainerRuntime,
  repo: ClonedRepo,
  dest: string,
  o: CloneOptions = {},
): Promise<void> {
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest, { recursive: true });
  let b64 = '';
  let size = 0;
  const script =
    'cd "$1" || exit 3; set --; for f in .devcontainer .devcontainer.json; do [ -e "$f" ] && set -- "$@" "$f"; done; ' +
    '[ $# -gt 0 ] || exit 0; tar -cf - "$@" | base64';
  const h = await runHelper(rt, repo.volume, ['-c', script, 'sh', repo.path], {
    ...o,
    entrypoint: ['/bin/sh'],
    onLine: (l) => {
      size += l.length;
      if (size <= (MAX_CONFIG_BYTES * 4) / 3) b64 += l.trim();
    },
  });
  await rt.remove(h.id, { force: true }).catch(() => undefined);
  if (h.exitCode !== 0)
    throw new RuntimeError(
      'internal',
      `The clone in volume ${repo.volume} could not be read (exit code ${h.exitCode}).`,
    );
  if (size > (MAX_CONFIG_BYTES * 4) / 3)
    throw new RuntimeError(
      'invalidArgument',
      `The repository's dev container files are over ${MAX_CONFIG_BYTES >> 20} MB.`,
    );
  if (!b64) return;
  await extractTar(Readable.from([Buffer.from(b64, 'base64')]), dest, { maxBytes: MAX_CONFIG_BYTES, maxEntries: 2000 });
}

export interface RepoCreateOptions extends Omit<CreateWorkspaceOptions, 'folder' | 'source' | 'volume'> {
  repo: RepoRef;
  /** Used when the repository has no dev container config. */
  image?: string;
  clone?: Pick<CloneOptions, 'image' | 'network'>;
}

export interface RepoWorkspace extends WorkspaceContainer {
  volume: string;
  /** Here: the folder its dev container config was copied to (the workspace's folder for cws and VS Code). */
  folder: string;
}

/**
 * Clones the repository into its volume (or reuses it), reads its dev container config from there,
 * and creates (or reuses) the workspace container with the volume as its workspace folder.
 */
export async function createFromRepository(rt: ContainerRuntime, o: RepoCreateOptions): Promise<RepoWorkspace> {
  const repo = await cloneIntoVolume(rt, o.repo, {
    ...(o.clone ?? {}),
    ...(o.forwarding ? { forwarding: o.forwarding } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.labels ? { labels: o.labels } : {}),
  });
  const folder = repoConfigFolder(repo.volume, repo.folderName, o.env ?? process.env);
  o.onProgress?.({ message: "Reading the repository's dev container config…" });
  await copyRepoConfig(rt, repo, folder, { ...(o.clone ?? {}), ...(o.labels ? { labels: o.labels } : {}) });
  const ctx = await detectDirectory(folder, { env: o.env ?? process.env });
  const dc = workspaceSources(ctx).find((s) => s.kind === 'devcontainer');
  const source = dc ?? (o.image ? imageSource(o.image) : undefined);
  if (!source)
    throw new RuntimeError(
      'notFound',
      `${o.repo.url} has no dev container config (.devcontainer/devcontainer.json or .devcontainer.json).`,
      'Name an image to work in (e.g. mcr.microsoft.com/devcontainers/base:debian); ' +
        `the clone stays in volume ${repo.volume}.`,
    );
  const build = source.devcontainer?.build;
  if (build && !resolve(build.context).startsWith(join(folder, '.devcontainer')))
    o.onProgress?.({
      message:
        'Warning: the build context is outside .devcontainer; ' +
        "only the repository's dev container files are here to build from.",
    });
  const w = await createWorkspaceContainer(rt, {
    ...o,
    folder,
    source,
    volume: { name: repo.volume, url: o.repo.url.trim(), path: repo.path, fresh: !repo.reused },
  });
  return { ...w, volume: repo.volume, folder };
}

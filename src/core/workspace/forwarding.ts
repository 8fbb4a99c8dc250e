/**
 * The forwarding (../forwarding) in a workspace container's life: what a create gives the container
 * (the folder's mount, SSH_AUTH_SOCK, the label), and at each start or attach serving it and
 * setting the container up again. What the runtime cannot forward is said once, never dropped.
 */
import { configureContainer } from '../forwarding/configure';
import {
  forwardLabel,
  inContainer,
  makeForwardDir,
  parseForwardLabel,
  removeForwardDir,
} from '../forwarding/forwardDir';
import type { ForwardServers } from '../forwarding/serve';
import {
  FORWARD_FILES,
  FORWARD_ITEMS,
  FORWARD_MOUNT,
  forwardWords,
  type ForwardChoice,
  type ForwardItem,
  type ForwardState,
} from '../forwarding/types';
import { LABELS } from '../runtime/labels';
import type { ContainerRuntime, CreateContainerOptions, MountSpec, RuntimeId } from '../runtime/types';
import type { WorkspaceForwarding, WorkspaceProgress } from './types';

export type { WorkspaceForwarding } from './types';

/** Docker Desktop's own forwarding of the Mac's SSH agent into its VM. */
const DOCKER_DESKTOP_SSH = '/run/host-services/ssh-auth.sock';

/** Whether the engine runs on this machine (a unix socket, a named pipe, a loopback port, Apple's CLI). */
export function engineIsLocal(endpoint: string): boolean {
  if (/^(unix|npipe):/i.test(endpoint) || endpoint.startsWith('/')) return true;
  const m = /^(?:tcp|https?):\/\/(\[[^\]]+\]|[^:/]+)/i.exec(endpoint);
  return !!m && /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(m[1]);
}

/**
 * What this runtime on this machine can forward, and a line for what it cannot. Sockets on this
 * machine reach a container only where the engine runs here (Linux); Apple's CLI forwards the SSH
 * agent itself (`--ssh`), Docker Desktop on a Mac through its VM's host-services socket; an engine on
 * another machine (ssh://, tcp://) sees none of this machine's files.
 */
export function forwardable(
  runtime: RuntimeId,
  choice: ForwardChoice,
  o: { endpoint: string; platform?: NodeJS.Platform },
): { items: ForwardItem[]; warning?: string } {
  const platform = o.platform ?? process.platform;
  const wanted = FORWARD_ITEMS.filter((i) => choice[i]);
  if (!wanted.length) return { items: [] };
  if (!engineIsLocal(o.endpoint))
    return {
      items: [],
      warning: `The engine is on another machine (${o.endpoint}): ${forwardWords(wanted)} not forwarded.`,
    };
  const vm = runtime === 'apple' || platform !== 'linux';
  if (!vm) return { items: wanted };
  const socketsOnly: ForwardItem[] = ['gitCredentials', 'gpg'];
  if (runtime === 'podman') socketsOnly.push('sshAgent');
  const lost = wanted.filter((i) => socketsOnly.includes(i));
  const engine = runtime === 'apple' ? 'Apple Containers' : `${runtime === 'docker' ? 'Docker' : 'Podman'} in a VM`;
  return {
    items: wanted.filter((i) => !lost.includes(i)),
    ...(lost.length
      ? { warning: `${engine} cannot reach this machine's sockets: ${forwardWords(lost)} not forwarded there.` }
      : {}),
  };
}

/** What a create adds to the container: the forwarding folder, SSH_AUTH_SOCK, the label. */
export interface ForwardAtCreate {
  state: ForwardState;
  mounts: MountSpec[];
  env: Record<string, string>;
  labels: Record<string, string>;
  sshAgent?: boolean;
}

export async function forwardAtCreate(
  rt: Pick<ContainerRuntime, 'id' | 'endpoint'>,
  f: WorkspaceForwarding,
  warn: (message: string) => void,
  platform: NodeJS.Platform = process.platform,
): Promise<ForwardAtCreate | undefined> {
  const runtime = rt.id;
  const { items, warning } = forwardable(runtime, f.choice, { endpoint: rt.endpoint, platform });
  if (warning) warn(warning);
  if (!items.length) return undefined;
  const { dir } = await makeForwardDir(f.env ?? process.env);
  const state: ForwardState = { dir, items };
  const mounts: MountSpec[] = [{ type: 'bind', source: dir, target: FORWARD_MOUNT, readOnly: true }];
  const env: Record<string, string> = {};
  let sshAgent: boolean | undefined;
  if (items.includes('sshAgent')) {
    if (runtime === 'apple') sshAgent = true;
    else if (platform === 'linux') env.SSH_AUTH_SOCK = inContainer(FORWARD_FILES.sshSocket);
    else {
      mounts.push({ type: 'bind', source: DOCKER_DESKTOP_SSH, target: DOCKER_DESKTOP_SSH });
      env.SSH_AUTH_SOCK = DOCKER_DESKTOP_SSH;
    }
  }
  return {
    state,
    mounts,
    env,
    labels: { [LABELS.forward]: forwardLabel(state) },
    ...(sshAgent ? { sshAgent } : {}),
  };
}

/** The create's options with the forwarding's mount, environment and label added. */
export function withForwarding(spec: CreateContainerOptions, fw: ForwardAtCreate | undefined): CreateContainerOptions {
  if (!fw) return spec;
  const taken = new Set((spec.mounts ?? []).map((m) => m.target));
  return {
    ...spec,
    mounts: [...(spec.mounts ?? []), ...fw.mounts.filter((m) => !taken.has(m.target))],
    // The config's own SSH_AUTH_SOCK (a containerEnv) wins.
    env: { ...fw.env, ...(spec.env ?? {}) },
    labels: { ...(spec.labels ?? {}), ...fw.labels },
    ...(fw.sshAgent ? { sshAgent: true } : {}),
  };
}

export interface ForwardTarget {
  id: string;
  labels: Record<string, string>;
  workspaceFolder: string;
  /** Who gpg is set up for (the remote user). */
  user?: string;
  /** The folder on this machine. */
  folder: string;
}

/**
 * Serves the container's forwarding folder and (at a create or start, or when its token is new)
 * sets the container up; resolves with notes for the user. A container made without forwarding
 * resolves with none.
 */
export async function startForwarding(
  rt: Pick<ContainerRuntime, 'exec'>,
  t: ForwardTarget,
  f: WorkspaceForwarding,
  o: { configure: boolean; signal?: AbortSignal },
): Promise<{ notes: string[]; served: ForwardItem[] }> {
  const state = parseForwardLabel(t.labels[LABELS.forward]);
  if (!state) return { notes: [], served: [] };
  const served = await f.servers.serve(state, {
    choice: f.choice,
    workspaceFolder: t.workspaceFolder,
    folder: t.folder,
    ...(f.env ? { env: f.env } : {}),
    ...(f.log ? { log: f.log } : {}),
  });
  const notes = [...served.notes];
  if (o.configure || served.tokenRenewed) {
    const on = (i: ForwardItem) => state.items.includes(i) && f.choice[i];
    notes.push(
      ...(await configureContainer(rt, t.id, {
        token: served.token,
        credentials: on('gitCredentials'),
        gpg: served.items.includes('gpg'),
        ...(t.user ? { user: t.user } : {}),
        signal: o.signal,
      })),
    );
  }
  return { notes, served: served.items };
}

/** Said through progress: what is forwarded, and what this machine or the container lacks. */
export function reportForwarding(
  r: { notes: string[]; served: ForwardItem[] },
  state: ForwardState | undefined,
  onProgress: ((p: WorkspaceProgress) => void) | undefined,
): void {
  if (!state) return;
  const given = state.items.filter((i) => i === 'gitIdentity' || r.served.includes(i));
  if (given.length) onProgress?.({ message: `Borrowed from this machine: ${forwardWords(given)}.` });
  for (const n of r.notes) onProgress?.({ message: `Note: ${n}` });
}

/** A removed container's forwarding: no longer served, its folder gone. */
export async function releaseForwarding(
  labels: Record<string, string>,
  servers: ForwardServers | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const state = parseForwardLabel(labels[LABELS.forward]);
  if (!state) return;
  await servers?.stop(state.dir);
  await removeForwardDir(state.dir, env).catch(() => undefined);
}

export { parseForwardLabel };

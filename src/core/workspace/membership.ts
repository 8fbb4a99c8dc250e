/**
 * Which containers belong to the workspace, and the live state of each Compose service and dev
 * container config it defines. Plain functions over container summaries and detected context.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { LABELS } from '../runtime/labels';
import type { ContainerState, ContainerSummary } from '../runtime/types';
import type { ComposeProject, DevcontainerConfig } from '../detection/types';

function norm(p: string, platform: NodeJS.Platform): string {
  const r = resolve(p);
  return platform === 'win32' || platform === 'darwin' ? r.toLowerCase() : r;
}

/** `child` is `parent` or inside it. */
export function isInside(child: string, parent: string, platform: NodeJS.Platform = process.platform): boolean {
  const rel = relative(norm(parent, platform), norm(child, platform));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The workspace folder a container belongs to: its Compose working_dir, its dev container's local
 * folder, or our own workspace label lies inside the folder. Undefined when none does.
 */
export function workspaceFolderOf(
  c: ContainerSummary,
  folders: readonly string[],
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const paths = [LABELS.workspace, LABELS.devcontainerLocalFolder, LABELS.composeWorkingDir]
    .map((k) => c.labels[k])
    .filter((v): v is string => !!v && isAbsolute(v));
  for (const p of paths) {
    const f = folders.find((folder) => isInside(p, folder, platform));
    if (f) return f;
  }
  return undefined;
}

/** Not created, running n of m, or the state the replicas share. */
export type ServiceState = 'notCreated' | 'running' | 'partial' | ContainerState;

export interface ServiceStatus {
  state: ServiceState;
  running: number;
  /** Replicas (one-off `compose run` containers left out). */
  containers: ContainerSummary[];
  /** "not created", "running", "running 1/3", "exited (0)". */
  text: string;
}

const RANK: Partial<Record<ContainerState, number>> = {
  restarting: 0,
  paused: 1,
  created: 2,
  exited: 3,
  dead: 4,
  removing: 5,
};

/** Replicas first by container number. */
function byNumber(a: ContainerSummary, b: ContainerSummary): number {
  return (
    Number(a.labels[LABELS.composeNumber] ?? 0) - Number(b.labels[LABELS.composeNumber] ?? 0) ||
    a.name.localeCompare(b.name)
  );
}

/** The state of a set of replicas (or of a dev container's container). */
export function statusOf(containers: ContainerSummary[]): ServiceStatus {
  const list = [...containers].sort(byNumber);
  const running = list.filter((c) => c.state === 'running').length;
  if (!list.length) return { state: 'notCreated', running: 0, containers: list, text: 'not created' };
  if (running === list.length) {
    const unhealthy = list.some((c) => c.health === 'unhealthy');
    return {
      state: 'running',
      running,
      containers: list,
      text: `running${list.length > 1 ? ` ${running}/${list.length}` : ''}${unhealthy ? ', unhealthy' : ''}`,
    };
  }
  if (running > 0) return { state: 'partial', running, containers: list, text: `running ${running}/${list.length}` };
  // None running: the most telling state among them.
  const state = list.map((c) => c.state).sort((a, b) => (RANK[a] ?? 9) - (RANK[b] ?? 9))[0];
  const codes = [
    ...new Set(list.filter((c) => c.state === 'exited' && c.exitCode !== undefined).map((c) => c.exitCode)),
  ];
  const code = state === 'exited' && codes.length === 1 ? ` (${codes[0]})` : '';
  return { state, running: 0, containers: list, text: `${state}${code}${list.length > 1 ? ` ${list.length}` : ''}` };
}

/** The replicas of each service of a Compose project, matched by the project and service labels. */
export function composeServiceContainers(
  project: Pick<ComposeProject, 'name'>,
  containers: Iterable<ContainerSummary>,
): Map<string, ContainerSummary[]> {
  const m = new Map<string, ContainerSummary[]>();
  for (const c of containers) {
    if (c.labels[LABELS.composeProject] !== project.name || c.labels[LABELS.composeOneoff] === 'True') continue;
    const svc = c.labels[LABELS.composeService];
    if (!svc) continue;
    let arr = m.get(svc);
    if (!arr) m.set(svc, (arr = []));
    arr.push(c);
  }
  return m;
}

/** The containers made from a dev container config: by its config-file label, else its folder. */
export function devcontainerContainers(
  config: Pick<DevcontainerConfig, 'path'>,
  folder: string,
  containers: Iterable<ContainerSummary>,
  platform: NodeJS.Platform = process.platform,
): ContainerSummary[] {
  const out: ContainerSummary[] = [];
  const file = norm(config.path, platform);
  for (const c of containers) {
    const cfg = c.labels[LABELS.devcontainerConfigFile];
    if (cfg) {
      if (norm(cfg, platform) === file) out.push(c);
    } else if (
      c.labels[LABELS.devcontainerLocalFolder] &&
      norm(c.labels[LABELS.devcontainerLocalFolder], platform) === norm(folder, platform)
    ) {
      out.push(c);
    }
  }
  return out;
}

/**
 * Where a workspace container has the workspace: our target label, else the mount whose host side
 * is a workspace folder (or inside one). Undefined when it does not mount the workspace.
 */
export function workspaceDirIn(
  c: Pick<ContainerSummary, 'labels' | 'mounts'>,
  folders: readonly string[],
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const target = c.labels[LABELS.workspaceTarget];
  if (target) return target;
  for (const m of c.mounts ?? []) {
    if (m.type === 'bind' && m.source && folders.some((f) => isInside(m.source!, f, platform))) return m.destination;
  }
  return undefined;
}

import * as vscode from 'vscode';
import { shownName } from '../../ui/format';
import { workspaceDirIn, workspaceFolderOf } from '../../../core/workspace/membership';
import { LABELS } from '../../../core/runtime/labels';
import type { DevcontainerConfig } from '../../../core/detection/types';
import type { ContainerSummary } from '../../../core/runtime/types';
import { stateWord } from '../../ui/stateWords';
import { ContainerNode } from '../../views/containers/containersTree';
import { ReplicaNode, ServiceNode } from '../../views/services/servicesTree';
import { workspaceFolders } from '../../workspaceFolders';
import type { CommandDeps } from '../types';

export interface ExecTarget {
  container: ContainerSummary;
  /** Inside the container: the workspace mount, when it has one. */
  workingDir?: string;
  /** The dev container config's remoteUser, when it came from one. */
  user?: string;
  /** The dev container config it was made from, when detection knows it (for remoteEnv, postAttach). */
  devcontainer?: DevcontainerConfig;
  /** The workspace folder on this machine it is for. */
  folder?: string;
}

export { workspaceFolders };

/** The workspace's own containers, running ones first. */
function workspaceContainersIn(list: ContainerSummary[]): ContainerSummary[] {
  const folders = workspaceFolders();
  return list
    .filter((c) => workspaceFolderOf(c, folders))
    .sort((a, b) => Number(b.state === 'running') - Number(a.state === 'running') || a.name.localeCompare(b.name));
}

interface ContainerPick extends vscode.QuickPickItem {
  container: ContainerSummary;
}

/** The dev container config a container was made from, if detection knows it. */
function devcontainerOf(deps: CommandDeps, c: ContainerSummary): DevcontainerConfig | undefined {
  const file = c.labels[LABELS.devcontainerConfigFile];
  if (!file) return undefined;
  return deps.workspaceContext.all.flatMap((ctx) => ctx.devcontainers).find((d) => d.path === file);
}

/** What a tool running in the container needs: where, as whom, and the config it came from. */
function targetOf(deps: CommandDeps, c: ContainerSummary, folders: readonly string[]): ExecTarget {
  const dc = devcontainerOf(deps, c);
  // A workspace cloned into a volume is no folder here: its own labels say where it is.
  const repo = c.labels[LABELS.repo] !== undefined;
  const folder = workspaceFolderOf(c, folders) ?? (repo ? c.labels[LABELS.workspace] : undefined);
  const workingDir = workspaceDirIn(c, folders) ?? (repo ? c.labels[LABELS.workspaceTarget] : undefined);
  return {
    container: c,
    workingDir,
    ...(dc?.remoteUser ? { user: dc.remoteUser } : {}),
    ...(dc ? { devcontainer: dc } : {}),
    ...(folder ? { folder } : {}),
  };
}

/** The container of a node, or (undefined) none chosen; `null`: the service has no container yet (said so). */
function containerOfNode(deps: CommandDeps, node: unknown): ContainerSummary | null | undefined {
  if (node instanceof ContainerNode || node instanceof ReplicaNode) return node.container;
  if (!(node instanceof ServiceNode)) return undefined;
  const st = deps.services.serviceStatus(node.parent.project, node.service.name);
  const c = st.containers.find((x) => x.state === 'running') ?? st.containers[0];
  if (c) return c;
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Service “{0}” has no container yet; run Compose Up first.', shownName(node.service.name)),
  );
  return null;
}

/** `{ containerId }` passed by code (a notification's Open Shell): that container, if it exists. */
async function containerById(deps: CommandDeps, arg: unknown): Promise<ContainerSummary | undefined> {
  const id = arg && typeof arg === 'object' ? (arg as { containerId?: unknown }).containerId : undefined;
  if (typeof id !== 'string') return undefined;
  try {
    return (await deps.live.snapshot()).find((c) => c.id === id);
  } catch (err) {
    throw deps.session.classifyFailure(err);
  }
}

/** A container that is not running: asks to start it. True once it runs; a failed start is thrown. */
async function offerStart(deps: CommandDeps, c: ContainerSummary): Promise<boolean> {
  const start = vscode.l10n.t('Start');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('{0} is {1}.', shownName(c.name), stateWord(c.state)),
    start,
  );
  if (choice !== start) return false;
  try {
    await deps.session.runtime!.start(c.id);
  } catch (err) {
    throw deps.session.classifyFailure(err);
  }
  return true;
}

/**
 * The container a workspace command runs in: the container or service node it was invoked on, or
 * the workspace's own container (a pick titled `title` when there are several). Offers to start a
 * stopped one. Failures to list or start are thrown, for the command's wrapper to show.
 */
export async function execTarget(deps: CommandDeps, args: unknown[], title: string): Promise<ExecTarget | undefined> {
  const fromNode = containerOfNode(deps, args[0]) ?? (await containerById(deps, args[0]));
  if (fromNode === null) return undefined;
  const c = fromNode ?? (await pickWorkspaceContainer(deps, title));
  if (!c) return undefined;
  if (c.state !== 'running' && !(await offerStart(deps, c))) return undefined;
  return targetOf(deps, c, workspaceFolders());
}

/** The workspace's containers (running first); a pick when there are several. */
export async function pickWorkspaceContainer(deps: CommandDeps, title: string): Promise<ContainerSummary | undefined> {
  let list: ContainerSummary[];
  try {
    list = await deps.live.snapshot();
  } catch (err) {
    throw deps.session.classifyFailure(err);
  }
  const mine = workspaceContainersIn(list);
  if (!mine.length) {
    const create = vscode.l10n.t('Create Workspace Container');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('This workspace has no container yet.'),
      create,
    );
    if (choice === create) await vscode.commands.executeCommand('containerWorkspaces.createWorkspaceContainer');
    return undefined;
  }
  if (mine.length === 1 || (mine[0].state === 'running' && mine[1].state !== 'running')) return mine[0];
  const pick = await vscode.window.showQuickPick<ContainerPick>(
    mine.map((c) => ({ label: c.name, description: `${c.image} · ${stateWord(c.state)}`, container: c })),
    { title, placeHolder: vscode.l10n.t('Choose the workspace container') },
  );
  return pick?.container;
}

/**
 * Without asking: the container named (name or id), else the workspace's running container. A
 * string says why there is none (for a task's terminal).
 */
export async function quietTarget(deps: CommandDeps, nameOrId: string | undefined): Promise<ExecTarget | string> {
  let list: ContainerSummary[];
  try {
    list = await deps.live.snapshot();
  } catch (err) {
    return deps.session.reportFailure(err).message;
  }
  const folders = workspaceFolders();
  const c = nameOrId
    ? list.find((x) => x.name === nameOrId || x.id === nameOrId || (nameOrId.length >= 12 && x.id.startsWith(nameOrId)))
    : workspaceContainersIn(list)[0];
  if (!c)
    return nameOrId
      ? vscode.l10n.t('No container “{0}”.', nameOrId)
      : vscode.l10n.t('This workspace has no container yet: run “Create Workspace Container” first.');
  if (c.state !== 'running') return vscode.l10n.t('{0} is {1}; start it first.', c.name, stateWord(c.state));
  return targetOf(deps, c, folders);
}

import * as vscode from 'vscode';
import { workspaceDirIn, workspaceFolderOf } from '../../../core/workspace/membership';
import { LABELS } from '../../../core/runtime/labels';
import type { ContainerSummary } from '../../../core/runtime/types';
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

/** The remoteUser of the dev container config a container was made from, if detection knows it. */
function remoteUserOf(deps: CommandDeps, c: ContainerSummary): string | undefined {
  const file = c.labels[LABELS.devcontainerConfigFile];
  if (!file) return undefined;
  return deps.workspaceContext.all.flatMap((ctx) => ctx.devcontainers).find((d) => d.path === file)?.remoteUser;
}

/**
 * The container a workspace command runs in: the container or service node it was invoked on, or
 * the workspace's own container (a pick when there are several). Offers to start a stopped one.
 */
export async function execTarget(deps: CommandDeps, args: unknown[], verb: string): Promise<ExecTarget | undefined> {
  let c: ContainerSummary | undefined;
  const node = args[0];
  if (node instanceof ContainerNode || node instanceof ReplicaNode) c = node.container;
  else if (node instanceof ServiceNode) {
    const st = deps.services.serviceStatus(node.parent.project, node.service.name);
    c = st.containers.find((x) => x.state === 'running') ?? st.containers[0];
    if (!c) {
      void vscode.window.showInformationMessage(
        `Service “${node.service.name}” has no container yet; run Compose Up first.`,
      );
      return undefined;
    }
  } else {
    c = await pickWorkspaceContainer(deps, verb);
    if (!c) return undefined;
  }
  if (c.state !== 'running') {
    const start = 'Start';
    const choice = await vscode.window.showInformationMessage(`${c.name} is ${c.state}.`, start);
    if (choice !== start) return undefined;
    try {
      await deps.session.runtime!.start(c.id);
    } catch (err) {
      void vscode.window.showErrorMessage(deps.session.reportFailure(err).message);
      return undefined;
    }
  }
  return { container: c, workingDir: workspaceDirIn(c, workspaceFolders()), user: remoteUserOf(deps, c) };
}

/** The workspace's containers (running first); a pick when there are several. */
export async function pickWorkspaceContainer(deps: CommandDeps, verb: string): Promise<ContainerSummary | undefined> {
  let list: ContainerSummary[];
  try {
    list = await deps.live.snapshot();
  } catch (err) {
    void vscode.window.showErrorMessage(deps.session.reportFailure(err).message);
    return undefined;
  }
  const mine = workspaceContainersIn(list);
  if (!mine.length) {
    const create = 'Create Workspace Container';
    const choice = await vscode.window.showInformationMessage('This workspace has no container yet.', create);
    if (choice === create) await vscode.commands.executeCommand('containerWorkspaces.createWorkspaceContainer');
    return undefined;
  }
  if (mine.length === 1 || (mine[0].state === 'running' && mine[1].state !== 'running')) return mine[0];
  const pick = await vscode.window.showQuickPick<ContainerPick>(
    mine.map((c) => ({ label: c.name, description: `${c.image} · ${c.state}`, container: c })),
    { title: verb, placeHolder: 'Choose the workspace container' },
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
      ? `No container “${nameOrId}”.`
      : 'This workspace has no container yet: run “Create Workspace Container” first.';
  if (c.state !== 'running') return `${c.name} is ${c.state}; start it first.`;
  return { container: c, workingDir: workspaceDirIn(c, folders), user: remoteUserOf(deps, c) };
}

import { basename } from 'node:path';
import * as vscode from 'vscode';
import { findComposeTool } from '../../../core/compose/composeTool';
import { RuntimeError } from '../../../core/runtime/errors';
import type { WorkspaceContainer, WorkspaceSource, WorkspaceSourceKind } from '../../../core/workspace';
import { loadDetection } from '../../detection/loadDetection';
import { ExecPty } from '../../terminals/execPty';
import type { Command, CommandDeps } from '../types';

/** Options when run from code (tests, other extensions); from the UI everything is asked. */
interface CreateArgs {
  folder?: string;
  source?: WorkspaceSourceKind;
  image?: string;
}

interface SourcePick extends vscode.QuickPickItem {
  source?: WorkspaceSource;
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Create the container for which folder?' });
}

/** The source: asked for when there is a choice, the detected primary kind first. */
async function pickSource(
  deps: CommandDeps,
  folder: { name: string; path: string; ws?: vscode.WorkspaceFolder },
  a: CreateArgs,
): Promise<WorkspaceSource | undefined> {
  const { detectDirectory, imageSource, workspaceSources } = loadDetection();
  let ctx = folder.ws ? (await deps.workspaceContext.ready, deps.workspaceContext.get(folder.ws)) : undefined;
  // A folder outside the workspace (given by code): detected here.
  ctx ??= await detectDirectory(folder.path, { env: process.env });
  const sources = workspaceSources(ctx);
  if (a.image) return imageSource(a.image);
  if (a.source) return sources.find((s) => s.kind === a.source);
  const items: SourcePick[] = sources.map((s, i) => ({
    label: s.label,
    description: i === 0 ? 'detected' : undefined,
    source: s,
  }));
  items.push({ label: '$(package) An image…', description: 'name one' });
  const pick =
    items.length === 1
      ? items[0]
      : await vscode.window.showQuickPick(items, {
          title: 'Create Workspace Container',
          placeHolder: `What to make ${folder.name}'s container from`,
        });
  if (!pick) return undefined;
  if (pick.source) return pick.source;
  const ref = await vscode.window.showInputBox({
    title: 'Create Workspace Container',
    prompt: 'The image to run the workspace in',
    placeHolder: 'mcr.microsoft.com/devcontainers/base:ubuntu',
  });
  return ref?.trim() ? imageSource(ref.trim()) : undefined;
}

/** Runs postCreateCommand in a terminal the user sees, one command after the other. */
function postCreateRunner(deps: CommandDeps, name: string) {
  return async (commands: string[][], id: string, at: { workspaceFolder: string; user?: string }): Promise<void> => {
    const rt = deps.session.runtime!;
    for (const [i, cmd] of commands.entries()) {
      const code = await new Promise<number>((resolve) => {
        const t = vscode.window.createTerminal({
          name: `postCreateCommand${commands.length > 1 ? ` ${i + 1}/${commands.length}` : ''}: ${name}`,
          iconPath: new vscode.ThemeIcon('tools'),
          pty: new ExecPty(rt, id, { cmd, workingDir: at.workspaceFolder, user: at.user, onExit: resolve }),
        });
        t.show(true);
      });
      deps.log.info(`postCreateCommand ${i + 1}/${commands.length} in ${name}: exit code ${code}`);
      if (code !== 0) {
        void vscode.window.showWarningMessage(
          `postCreateCommand failed in ${name} (exit code ${code}); the container is kept.`,
        );
        return;
      }
    }
  };
}

/**
 * Creates the workspace container from the folder's dev container config, Dockerfile, Compose
 * service or a named image — or starts and reuses the one it already has. Builds and pulls show
 * progress and can be cancelled; postCreateCommand runs once, in a terminal, in a trusted folder.
 */
export const createWorkspaceContainer: Command = {
  id: 'containerWorkspaces.createWorkspaceContainer',
  async run(deps, ...args): Promise<WorkspaceContainer | undefined> {
    const a = (args[0] && typeof args[0] === 'object' && !Array.isArray(args[0]) ? args[0] : {}) as CreateArgs;
    const rt = deps.session.runtime;
    if (!rt) {
      const why = deps.session.isHost
        ? 'The runtime is set to this machine (host): there is no engine to create a container in.'
        : `${deps.session.label} is not reachable.`;
      void vscode.window
        .showWarningMessage(why, 'Choose Runtime')
        .then((c) => c && vscode.commands.executeCommand('containerWorkspaces.selectRuntime'));
      return undefined;
    }
    const ws = a.folder ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(a.folder)) : await pickFolder();
    if (!ws && !a.folder) return undefined;
    const folder = { name: ws?.name ?? basename(a.folder!), path: ws?.uri.fsPath ?? a.folder!, ws };
    const source = await pickSource(deps, folder, a);
    if (!source) return undefined;
    const trusted = vscode.workspace.isTrusted;
    if (!trusted && source.kind !== 'image') {
      void vscode.window
        .showWarningMessage(
          "Creating the container runs what this folder's files say; trust the folder first.",
          'Manage Workspace Trust',
        )
        .then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
      return undefined;
    }
    const needsCompose = source.kind === 'compose' || source.devcontainer?.kind === 'compose';
    const composeTool =
      needsCompose && (rt.id === 'docker' || rt.id === 'podman') ? await findComposeTool(rt.id) : undefined;
    try {
      const result = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Workspace container for ${folder.name}`,
          cancellable: true,
        },
        async (progress, token) => {
          const ctl = new AbortController();
          const sub = token.onCancellationRequested(() => ctl.abort());
          try {
            return await loadDetection().createWorkspaceContainer(rt, {
              folder: folder.path,
              source,
              composeTool,
              endpointUrl: rt.endpoint,
              signal: ctl.signal,
              onProgress: (p) => progress.report({ message: p.message.slice(0, 100), increment: p.increment }),
              runPostCreate: trusted ? postCreateRunner(deps, folder.name) : undefined,
            });
          } finally {
            sub.dispose();
          }
        },
      );
      deps.live.store.touch([result.id]);
      deps.log.info(
        `Workspace container ${result.name} (${result.id.slice(0, 12)}) ${result.created ? 'created' : 'reused'} for ${folder.name} from ${source.label}`,
      );
      const shell = 'Open Shell';
      void vscode.window
        .showInformationMessage(
          result.created
            ? `Workspace container ${result.name} is running.`
            : `Using the existing workspace container ${result.name}.`,
          shell,
        )
        .then((c) => c === shell && vscode.commands.executeCommand('containerWorkspaces.openShell'));
      return result;
    } catch (err) {
      const e = err instanceof RuntimeError ? err : deps.session.reportFailure(err);
      if (e.code === 'cancelled') {
        vscode.window.setStatusBarMessage('Workspace container: cancelled', 4000);
        return undefined;
      }
      deps.log.error(`Creating the workspace container for ${folder.name} failed: ${e.message}`);
      void vscode.window
        .showErrorMessage(`${e.message}${e.hint ? ` ${e.hint}` : ''}`, 'Show Log')
        .then((c) => c && deps.log.show());
      return undefined;
    }
  },
};

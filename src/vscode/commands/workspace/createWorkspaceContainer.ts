import { basename } from 'node:path';
import * as vscode from 'vscode';
import { shownName } from '../../ui/format';
import type { ComposeTool } from '../../../core/compose/composeTool';
import type { ContainerRuntime } from '../../../core/runtime/types';
import type { WorkspaceContainer, WorkspaceSource, WorkspaceSourceKind } from '../../../core/workspace';
import { loadDetection } from '../../detection/loadDetection';
import { isCancellation } from '../../ui/errors';
import { offerSwitchRuntime, requireTrust } from '../../ui/notify';
import type { Command, CommandDeps } from '../types';
import { hookRunner } from './hookRunner';
import { shutdownActions } from '../../shutdown/shutdownActions';
import { windowForwarding } from '../../forwarding/forwarding';

/** Options when run from code (tests, other extensions); from the UI everything is asked. */
interface CreateArgs {
  folder?: string;
  source?: WorkspaceSourceKind;
  image?: string;
  /** Remove the folder's container first (volumes kept) and make it anew. */
  rebuild?: boolean;
  /** The dev container config to make it from (the out-of-date notice's Rebuild passes it). */
  configPath?: string;
}

interface SourcePick extends vscode.QuickPickItem {
  source?: WorkspaceSource;
}

/** The folder the container is for: its name, its path, and its workspace folder when it is one. */
interface TargetFolder {
  name: string;
  path: string;
  ws?: vscode.WorkspaceFolder;
}

/** The options object code may pass as the first argument (a tree node or nothing from the UI). */
function createArgs(args: unknown[]): CreateArgs {
  const [first] = args;
  return first && typeof first === 'object' && !Array.isArray(first) ? first : {};
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({
    placeHolder: vscode.l10n.t('Create the container for which folder?'),
  });
}

/** The folder given by code, else the workspace's (a pick when there are several). */
async function targetFolder(a: CreateArgs): Promise<TargetFolder | undefined> {
  const ws = a.folder ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(a.folder)) : await pickFolder();
  if (!ws && !a.folder) return undefined;
  return { name: ws?.name ?? basename(a.folder!), path: ws?.uri.fsPath ?? a.folder!, ws };
}

/** The source: asked for when there is a choice, the detected primary kind first. */
async function pickSource(
  deps: CommandDeps,
  folder: TargetFolder,
  a: CreateArgs,
): Promise<WorkspaceSource | undefined> {
  const { detectDirectory, imageSource, workspaceSources } = loadDetection();
  let ctx = folder.ws ? (await deps.workspaceContext.ready, deps.workspaceContext.get(folder.ws)) : undefined;
  // A folder outside the workspace (given by code): detected here.
  ctx ??= await detectDirectory(folder.path, { env: process.env });
  const sources = workspaceSources(ctx);
  if (a.image) return imageSource(a.image);
  // The config named (Rebuild from the out-of-date notice); gone since: asked as from the palette.
  const named = a.configPath ? sources.find((s) => s.devcontainer?.path === a.configPath) : undefined;
  if (named) return named;
  if (a.source) return sources.find((s) => s.kind === a.source);
  const items: SourcePick[] = sources.map((s, i) => ({
    label: s.label,
    description: i === 0 ? vscode.l10n.t('detected') : undefined,
    source: s,
  }));
  items.push({ label: vscode.l10n.t('$(package) An image…'), description: vscode.l10n.t('name one') });
  const title = vscode.l10n.t('Create Workspace Container');
  const pick =
    items.length === 1
      ? items[0]
      : await vscode.window.showQuickPick(items, {
          title,
          placeHolder: vscode.l10n.t("What to make {0}'s container from", folder.name),
        });
  if (!pick) return undefined;
  if (pick.source) return pick.source;
  const ref = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('The image to run the workspace in'),
    placeHolder: 'mcr.microsoft.com/devcontainers/base:ubuntu',
  });
  return ref?.trim() ? imageSource(ref.trim()) : undefined;
}

/** The hooks after waitFor run on in their terminals; a failure among them is said when it comes. */
function reportLaterHooks(deps: CommandDeps, result: WorkspaceContainer): void {
  void result.hooksDone?.then((err) => {
    if (!err) return;
    deps.log.warn(err.message);
    void vscode.window.showWarningMessage(
      vscode.l10n.t('{0} The container {1} is kept.', err.message, shownName(result.name)),
    );
  });
}

/** A pull's line about one layer's download or extraction ("3f4ca61aafcd: Downloading 45%"). */
const LAYER_PROGRESS = /^[0-9a-f]{12}: |\b\d{1,3}(\.\d+)?%/;

/** The Compose tool, when the source needs one and the runtime has Compose. */
async function composeToolFor(rt: ContainerRuntime, source: WorkspaceSource): Promise<ComposeTool | undefined> {
  const needsCompose = source.kind === 'compose' || source.devcontainer?.kind === 'compose';
  return needsCompose && (rt.id === 'docker' || rt.id === 'podman')
    ? loadDetection().findComposeTool(rt.id)
    : undefined;
}

/** Creates (or reuses) the container, with progress and Cancel; postCreateCommand only in a trusted folder. */
function createWithProgress(
  deps: CommandDeps,
  rt: ContainerRuntime,
  folder: TargetFolder,
  source: WorkspaceSource,
  composeTool: ComposeTool | undefined,
  rebuild: boolean,
): Thenable<WorkspaceContainer> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Workspace container for {0}', folder.name),
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
          onProgress: (p) => {
            // Every line is kept in the log too (a failed Feature's install.sh output is read there),
            // but a pull's per-layer percentages, which come by the thousand.
            if (p.message.startsWith('Warning: ')) deps.log.warn(p.message);
            else if (!LAYER_PROGRESS.test(p.message)) deps.log.info(p.message);
            progress.report({ message: p.message.slice(0, 100), increment: p.increment });
          },
          rebuild,
          insecureHosts: insecureHosts(),
          hooks: vscode.workspace.isTrusted ? hookRunner(deps, folder, rt) : undefined,
          forwarding: windowForwarding.forCreate(deps.log),
        });
      } finally {
        sub.dispose();
      }
    },
  );
}

/** The registries the user lets us fetch from in plain http (the docker.insecureHosts setting). */
function insecureHosts(): string[] {
  const v = vscode.workspace.getConfiguration('containerWorkspaces').get<unknown>('docker.insecureHosts');
  return Array.isArray(v) ? v.filter((h): h is string => typeof h === 'string') : [];
}

/** Logs what was made, and says so with a way into it. */
function announce(deps: CommandDeps, result: WorkspaceContainer, folder: TargetFolder, source: WorkspaceSource): void {
  deps.live.store.touch([result.id]);
  const rt = deps.session.runtime;
  // Served from now on; kept to be served again as the settings change.
  if (rt)
    void rt.inspect(result.id).then(
      (c) =>
        windowForwarding.remember({
          rt,
          container: c,
          workspaceFolder: result.workspaceFolder,
          folder: folder.path,
          ...(result.remoteUser ? { user: result.remoteUser } : {}),
        }),
      () => undefined,
    );
  const action = source.devcontainer?.shutdownAction;
  if (action === 'stopContainer' || action === 'stopCompose')
    shutdownActions.record({ containerId: result.id, action });
  reportLaterHooks(deps, result);
  if (result.outOfDate) {
    const rebuild = vscode.l10n.t('Rebuild');
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t('{0} was made from an earlier version of the dev container config.', shownName(result.name)),
        rebuild,
      )
      .then(
        (c) =>
          c === rebuild &&
          vscode.commands.executeCommand('containerWorkspaces.rebuildWorkspaceContainer', {
            folder: folder.path,
            // The same source again, not a second question.
            source: source.kind,
            ...(source.devcontainer ? { configPath: source.devcontainer.path } : {}),
          }),
      );
    return;
  }
  const what = result.created ? 'created' : 'reused';
  deps.log.info(
    `Workspace container ${result.name} (${result.id.slice(0, 12)}) ${what} for ${folder.name} from ${source.label}`,
  );
  const shell = vscode.l10n.t('Open Shell');
  void vscode.window
    .showInformationMessage(
      result.created
        ? vscode.l10n.t('Workspace container {0} is running.', shownName(result.name))
        : vscode.l10n.t('Using the existing workspace container {0}.', shownName(result.name)),
      shell,
    )
    .then((c) => c === shell && vscode.commands.executeCommand('containerWorkspaces.openShell'));
}

/**
 * Creates the workspace container from the folder's dev container config, Dockerfile, Compose
 * service or a named image — or starts and reuses the one it already has. Builds and pulls show
 * progress and can be cancelled; postCreateCommand runs once, in a terminal, in a trusted folder.
 * Failures are thrown for the command's wrapper to show; a cancel is only noted in the status bar.
 */
export const createWorkspaceContainer: Command = {
  id: 'containerWorkspaces.createWorkspaceContainer',
  async run(deps, ...args): Promise<WorkspaceContainer | undefined> {
    const a = createArgs(args);
    const rt = deps.session.runtime;
    if (!rt) {
      offerSwitchRuntime(
        deps.session.isHost
          ? vscode.l10n.t('The runtime is set to this machine (host): there is no engine to create a container in.')
          : vscode.l10n.t('{0} is not reachable.', deps.session.label),
      );
      return undefined;
    }
    // Before any question: every source runs something the folder chose (its build, its mounts and
    // environment, its postCreateCommand); even a named image gets the folder mounted read-write.
    const trustMessage = vscode.l10n.t(
      "Creating the container runs what this folder's files say; trust the folder first.",
    );
    if (!requireTrust(trustMessage)) return undefined;
    const folder = await targetFolder(a);
    if (!folder) return undefined;
    const source = await pickSource(deps, folder, a);
    if (!source) return undefined;
    try {
      const result = await createWithProgress(
        deps,
        rt,
        folder,
        source,
        await composeToolFor(rt, source),
        a.rebuild === true,
      );
      announce(deps, result, folder, source);
      return result;
    } catch (err) {
      if (!isCancellation(err)) throw err;
      vscode.window.setStatusBarMessage(vscode.l10n.t('Workspace container: cancelled'), 4000);
      return undefined;
    }
  },
};

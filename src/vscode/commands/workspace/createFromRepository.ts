import * as vscode from 'vscode';
import type { RepoWorkspace } from '../../../core/workspace/repoVolume';
import { loadDetection } from '../../detection/loadDetection';
import { windowForwarding } from '../../forwarding/forwarding';
import { shownName } from '../../ui/format';
import { isCancellation } from '../../ui/errors';
import { offerSwitchRuntime, requireTrust } from '../../ui/notify';
import type { Command, CommandDeps } from '../types';
import { hookRunner } from './hookRunner';

/** Options when run from code (tests); from the UI the address and branch are asked. */
interface RepoArgs {
  url?: string;
  ref?: string;
}

function repoArgs(args: unknown[]): RepoArgs {
  const [first] = args;
  return first && typeof first === 'object' && !Array.isArray(first) ? first : {};
}

/** The address, checked as it is typed (what git could misread is refused before anything runs). */
async function askUrl(): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({
    title: vscode.l10n.t('Create Workspace Container from Repository'),
    prompt: vscode.l10n.t('The repository to clone into a container volume'),
    placeHolder: 'https://github.com/owner/repo.git',
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (!v.trim()) return undefined;
      try {
        loadDetection().checkRepoUrl(v);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  return url?.trim() || undefined;
}

async function askRef(): Promise<string | undefined | null> {
  const ref = await vscode.window.showInputBox({
    title: vscode.l10n.t('Create Workspace Container from Repository'),
    prompt: vscode.l10n.t('Branch or tag (empty: the default branch)'),
    ignoreFocusOut: true,
  });
  if (ref === undefined) return null;
  return ref.trim() || undefined;
}

/** The clone's helper image and network (settings). */
function cloneSettings(): { image?: string; network?: string } {
  const cfg = vscode.workspace.getConfiguration('containerWorkspaces');
  const image = cfg.get<string>('clone.image')?.trim();
  const network = cfg.get<string>('clone.network')?.trim();
  return { ...(image ? { image } : {}), ...(network ? { network } : {}) };
}

function clone(deps: CommandDeps, url: string, ref: string | undefined): Thenable<RepoWorkspace> {
  const rt = deps.session.runtime!;
  const bg = loadDetection();
  const name = bg.repoFolderName(url);
  const folder = bg.repoConfigFolder(bg.repoVolumeName({ url, ...(ref ? { ref } : {}) }), name);
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Workspace container for {0}', name),
      cancellable: true,
    },
    async (progress, token) => {
      const ctl = new AbortController();
      const sub = token.onCancellationRequested(() => ctl.abort());
      try {
        return await bg.createFromRepository(rt, {
          repo: { url, ...(ref ? { ref } : {}) },
          clone: cloneSettings(),
          endpointUrl: rt.endpoint,
          signal: ctl.signal,
          onProgress: (p) => {
            if (p.message.startsWith('Warning: ')) deps.log.warn(p.message);
            else deps.log.info(p.message);
            progress.report({ message: p.message.slice(0, 100), increment: p.increment });
          },
          // The user named the repository: its config's hooks are what they asked for.
          hooks: hookRunner(deps, { name, path: folder }, rt),
          forwarding: windowForwarding.forCreate(deps.log),
        });
      } finally {
        sub.dispose();
      }
    },
  );
}

/**
 * Clones a repository into a named volume (the same address reuses it) and creates the workspace
 * container from its dev container config, with the volume as its workspace folder; this machine's
 * git credentials and SSH agent are lent for the clone. Failures are thrown for the wrapper to show.
 */
export const createWorkspaceContainerFromRepository: Command = {
  id: 'containerWorkspaces.createWorkspaceContainerFromRepository',
  async run(deps, ...args): Promise<RepoWorkspace | undefined> {
    const rt = deps.session.runtime;
    if (!rt) {
      offerSwitchRuntime(vscode.l10n.t('{0} is not reachable.', deps.session.label));
      return undefined;
    }
    // The clone's config runs with this machine's credentials lent: not from a window in Restricted Mode.
    if (
      !requireTrust(
        vscode.l10n.t('Creating a container from a repository runs what its files say; trust the folder first.'),
      )
    )
      return undefined;
    const a = repoArgs(args);
    const url = a.url ?? (await askUrl());
    if (!url) return undefined;
    loadDetection().checkRepoUrl(url);
    const ref = a.url ? a.ref : await askRef();
    if (ref === null) return undefined;
    try {
      const w = await clone(deps, url, ref);
      deps.live.store.touch([w.id]);
      void rt.inspect(w.id).then(
        (c) =>
          windowForwarding.remember({
            rt,
            container: c,
            workspaceFolder: w.workspaceFolder,
            folder: w.folder,
            ...(w.remoteUser ? { user: w.remoteUser } : {}),
          }),
        () => undefined,
      );
      void w.hooksDone?.then((err) => err && void vscode.window.showWarningMessage(err.message));
      deps.log.info(`Workspace container ${w.name} (${w.id.slice(0, 12)}) for ${url} in volume ${w.volume}`);
      const shell = vscode.l10n.t('Open Shell');
      void vscode.window
        .showInformationMessage(
          vscode.l10n.t(
            'Workspace container {0} is running, with {1} in volume {2}.',
            shownName(w.name),
            url,
            w.volume,
          ),
          shell,
        )
        .then(
          (c) => c === shell && vscode.commands.executeCommand('containerWorkspaces.openShell', { containerId: w.id }),
        );
      return w;
    } catch (err) {
      if (!isCancellation(err)) throw err;
      vscode.window.setStatusBarMessage(vscode.l10n.t('Workspace container: cancelled'), 4000);
      return undefined;
    }
  },
};

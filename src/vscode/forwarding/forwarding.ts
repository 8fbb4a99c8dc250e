import * as vscode from 'vscode';
import type { ForwardServers } from '../../core/forwarding/serve';
import { FORWARD_ITEMS, NONE_FORWARDED, type ForwardChoice, type ForwardItem } from '../../core/forwarding/types';
import { LABELS } from '../../core/runtime/labels';
import type { ContainerRuntime, ContainerSummary } from '../../core/runtime/types';
import type { WorkspaceForwarding } from '../../core/workspace/types';
import { loadDetection } from '../detection/loadDetection';

/** The settings, one per item (containerWorkspaces.forwarding.*). */
const SETTING: Record<ForwardItem, string> = {
  gitIdentity: 'forwarding.gitIdentity',
  gitCredentials: 'forwarding.gitCredentials',
  sshAgent: 'forwarding.sshAgent',
  gpg: 'forwarding.gpg',
};

/** What is on: the settings in a trusted folder; nothing in an untrusted one. */
export function forwardingChoice(): ForwardChoice {
  if (!vscode.workspace.isTrusted) return NONE_FORWARDED;
  const cfg = vscode.workspace.getConfiguration('containerWorkspaces');
  return Object.fromEntries(
    FORWARD_ITEMS.map((i) => [i, cfg.get<boolean>(SETTING[i], true) !== false]),
  ) as unknown as ForwardChoice;
}

interface Served {
  rt: ContainerRuntime;
  container: Pick<ContainerSummary, 'id' | 'name' | 'labels'>;
  workspaceFolder: string;
  folder: string;
  user?: string;
}

/**
 * This window's forwarding: the servers (loaded with the create flow, on first need), what it
 * serves, and the settings and trust that decide it. Serving stops when the window closes.
 */
class WindowForwarding {
  private servers: ForwardServers | undefined;
  private readonly served = new Map<string, Served>();
  private log: vscode.LogOutputChannel | undefined;
  private untrustedSaid = false;

  private ensureServers(): ForwardServers {
    return (this.servers ??= new (loadDetection().ForwardServers)());
  }

  /** For a create: undefined in an untrusted folder (a create needs trust anyway). */
  forCreate(log: vscode.LogOutputChannel): WorkspaceForwarding | undefined {
    this.log = log;
    if (!vscode.workspace.isTrusted) return undefined;
    return { choice: forwardingChoice(), servers: this.ensureServers(), log: (l) => log.info(l) };
  }

  /** Records what a create or start served, to be served again when the settings change. */
  remember(s: Served): void {
    this.served.set(s.container.id, s);
  }

  /**
   * Serves a workspace container for a shell, task or tunnel about to attach (idempotent; a container
   * made without forwarding gets nothing). Never in the way: what fails is logged.
   */
  async attach(log: vscode.LogOutputChannel, s: Served): Promise<void> {
    this.log = log;
    if (!s.container.labels[LABELS.forward]) return;
    if (!vscode.workspace.isTrusted) {
      if (!this.untrustedSaid) {
        this.untrustedSaid = true;
        log.info('Git and SSH credentials are not lent to workspace containers while the folder is not trusted.');
        void vscode.window.showInformationMessage(
          vscode.l10n.t('Git and SSH credentials are not lent to the container: this folder is not trusted.'),
        );
      }
      return;
    }
    const dir = loadDetection().parseForwardLabel(s.container.labels[LABELS.forward])?.dir;
    if (dir && this.served.has(s.container.id) && this.servers?.dirs.includes(dir)) return;
    await this.serve(s, false);
  }

  private async serve(s: Served, configure: boolean): Promise<void> {
    const log = this.log;
    try {
      const r = await loadDetection().startForwarding(
        s.rt,
        {
          id: s.container.id,
          labels: s.container.labels,
          workspaceFolder: s.workspaceFolder,
          folder: s.folder,
          ...(s.user ? { user: s.user } : {}),
        },
        { choice: forwardingChoice(), servers: this.ensureServers(), ...(log ? { log: (l) => log.info(l) } : {}) },
        { configure, signal: AbortSignal.timeout(15_000) },
      );
      this.served.set(s.container.id, s);
      for (const n of r.notes) log?.info(`${s.container.name}: ${n}`);
    } catch (err) {
      log?.warn(`Forwarding to ${s.container.name}: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  /** The settings or trust changed: everything served is served again as they now say. */
  async settingsChanged(): Promise<void> {
    await Promise.all([...this.served.values()].map((s) => this.serve(s, true)));
  }

  /** A removed container: no longer served, its forwarding folder gone. */
  async removed(labels: Record<string, string>, id: string): Promise<void> {
    this.served.delete(id);
    if (!labels[LABELS.forward]) return;
    await loadDetection().releaseForwarding(labels, this.servers);
  }

  async close(): Promise<void> {
    this.served.clear();
    await this.servers?.closeAll();
  }
}

export const windowForwarding = new WindowForwarding();

/** Whether a change touches the forwarding settings. */
export function affectsForwarding(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('containerWorkspaces.forwarding');
}

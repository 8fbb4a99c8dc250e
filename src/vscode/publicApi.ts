import * as vscode from 'vscode';
import type { ContainerSummary } from '../core/runtime/types';
import { matchWorkspaceContainers } from '../core/workspace/find';
import type { ContainerWorkspacesApi, ContainerWorkspacesContainer, ContainerWorkspacesRuntime } from './api';
import type { LiveContainers } from './live/liveContainers';
import type { RuntimeSession } from './runtimeSession';

function runtimeOf(session: RuntimeSession): ContainerWorkspacesRuntime {
  const { state } = session;
  const id = session.runtimeId ?? (session.isHost ? 'host' : undefined);
  const version = state === 'ready' ? session.info?.version : undefined;
  return Object.freeze(
    version === undefined ? { id, label: session.label, state } : { id, label: session.label, state, version },
  );
}

function sameRuntime(a: ContainerWorkspacesRuntime, b: ContainerWorkspacesRuntime): boolean {
  return a.id === b.id && a.label === b.label && a.state === b.state && a.version === b.version;
}

function containerOf(c: ContainerSummary): ContainerWorkspacesContainer {
  return Object.freeze({ id: c.id, name: c.name, image: c.image, state: c.state });
}

/** The exported API (src/vscode/api.ts) over the session and the live store; dispose it with the extension. */
export class PublicApi implements vscode.Disposable {
  readonly api: ContainerWorkspacesApi;
  private readonly changed = new vscode.EventEmitter<ContainerWorkspacesRuntime>();
  private readonly sub: vscode.Disposable;
  private last: ContainerWorkspacesRuntime;
  /** Calls waiting for a runtime check to end; let go (to reject) when the extension goes. */
  private readonly waiting = new Set<() => void>();
  private disposed = false;

  constructor(
    private readonly session: RuntimeSession,
    private readonly live: LiveContainers,
  ) {
    this.last = runtimeOf(session);
    this.sub = session.onDidChange(() => {
      const now = runtimeOf(session);
      if (sameRuntime(now, this.last)) return;
      this.last = now;
      this.changed.fire(now);
    });
    this.api = Object.freeze<ContainerWorkspacesApi>({
      apiVersion: 1,
      get runtime() {
        return runtimeOf(session);
      },
      onDidChangeRuntime: this.changed.event,
      listContainers: async () => (await this.containers())?.map(containerOf) ?? [],
      workspaceContainer: async (folder) => {
        if (folder.scheme !== 'file') return undefined;
        const list = await this.containers();
        const c = list && matchWorkspaceContainers(list, folder.fsPath)[0];
        return c && containerOf(c);
      },
    });
  }

  /** The active runtime's containers; undefined for `host`. Rejects with a plain Error when there is no engine. */
  private async containers(): Promise<ContainerSummary[] | undefined> {
    await this.checked();
    if (this.disposed) throw new Error(vscode.l10n.t('Container Workspaces is no longer active.'));
    const { state, runtime, error } = this.session;
    if (state === 'host') return undefined;
    // Unreachable: the reason the status bar gives, without asking the engine again.
    if (state === 'unreachable' || !runtime)
      throw new Error(error?.message ?? vscode.l10n.t('No container runtime is selected.'));
    try {
      return await this.live.snapshot();
    } catch (err) {
      throw new Error(this.session.reportFailure(err).message, { cause: err });
    }
  }

  /** Resolves once the session is not `checking` (at once when it is not), or when the extension goes. */
  private checked(): Promise<void> {
    if (this.session.state !== 'checking' || this.disposed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        sub.dispose();
        this.waiting.delete(done);
        resolve();
      };
      const sub = this.session.onDidChange(() => {
        if (this.session.state !== 'checking') done();
      });
      this.waiting.add(done);
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const done of [...this.waiting]) done();
    this.sub.dispose();
    this.changed.dispose();
  }
}

import * as vscode from 'vscode';
import { shownName } from '../ui/format';
import { followTunnel, startTunnel, stopTunnel, tunnelStatus, type TunnelEvent } from '../../core/tunnels';
import type { ContainerRuntime, Subscription } from '../../core/runtime/types';
import type { RuntimeSession } from '../runtimeSession';
import type { LiveContainers } from '../live/liveContainers';
import { notify } from '../ui/notify';
import { ENGINE_FAN_OUT, mapLimit } from '../../core/util/mapLimit';

const STATE_KEY = 'containerWorkspaces.tunnels';

/** The device login a tunnel waits for, with a button that copies the code and opens the page. */
function announceLogin(name: string, code: string, url: string): void {
  const login = {
    title: vscode.l10n.t('Copy Code & Open Login Page'),
    run: async () => {
      await vscode.env.clipboard.writeText(code);
      await vscode.env.openExternal(vscode.Uri.parse(url));
    },
  };
  void notify('info', vscode.l10n.t('Tunnel “{0}”: sign in with code {1} to let it through.', name, code), [login]);
}

/** The tunnel's address, to open or copy. */
function announceReady(name: string, url: string): void {
  void notify('info', vscode.l10n.t('Tunnel “{0}” is ready: {1}', name, url), [
    { title: vscode.l10n.t('Open'), run: () => vscode.env.openExternal(vscode.Uri.parse(url)) },
    { title: vscode.l10n.t('Copy Address'), run: () => vscode.env.clipboard.writeText(url) },
  ]);
}

export interface TunnelInfo {
  name: string;
  /** The vscode.dev address, once the tunnel printed it. */
  url?: string;
  /** A device login it waits for. */
  login?: { code: string; url: string };
}

/**
 * The tunnels this workspace started, by container id. Following a tunnel's output (to show the
 * login code and the address) lasts until the address is there; the state is kept in the
 * workspace's memento and checked again in the container after a reload.
 */
export class TunnelManager implements vscode.Disposable {
  private readonly tunnels = new Map<string, TunnelInfo>();
  private readonly follows = new Map<string, Subscription>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** A container's tunnel changed (its id). */
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  private restored = false;

  constructor(
    private readonly session: RuntimeSession,
    live: LiveContainers,
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    for (const [id, info] of Object.entries(state.get<Record<string, TunnelInfo>>(STATE_KEY, {})))
      this.tunnels.set(id, info);
    this.subs.push(
      session.onDidChange(() => {
        if (session.state === 'ready') void this.restore();
      }),
      live.onDidChange((c) => {
        // A container that stopped or went takes its tunnel with it.
        for (const x of [...c.removed, ...c.updated.filter((u) => u.after.state !== 'running').map((u) => u.after)]) {
          if (this.tunnels.has(x.id)) this.forget(x.id);
        }
      }),
    );
  }

  get(id: string): TunnelInfo | undefined {
    return this.tunnels.get(id);
  }

  /**
   * After a reload: asks the containers with a remembered tunnel whether it still runs (once, when
   * the engine answers).
   */
  private async restore(): Promise<void> {
    const rt = this.session.runtime;
    if (this.restored || !rt || !this.tunnels.size) return;
    this.restored = true;
    await mapLimit([...this.tunnels.keys()], ENGINE_FAN_OUT, async (id) => {
      try {
        const st = await tunnelStatus(rt, id);
        if (!st.running) return this.forget(id);
        this.set(id, { name: st.name ?? this.tunnels.get(id)!.name, url: st.url, login: st.login });
        if (!st.url) await this.follow(rt, id, false);
      } catch {
        this.forget(id);
      }
    });
  }

  /** Starts a tunnel and follows it until its address is printed. */
  async start(
    rt: ContainerRuntime,
    id: string,
    o: { name: string; containerName: string; user?: string; workingDir?: string; env?: Record<string, string> },
  ): Promise<void> {
    const st = await startTunnel(rt, id, { name: o.name, user: o.user, workingDir: o.workingDir, env: o.env });
    this.set(id, { name: st.name ?? o.name });
    this.log.info(`Tunnel ${st.name} started in ${o.containerName}`);
    await this.follow(rt, id, true);
  }

  async stop(rt: ContainerRuntime, id: string): Promise<void> {
    await stopTunnel(rt, id);
    this.forget(id);
  }

  private async follow(rt: ContainerRuntime, id: string, announce: boolean): Promise<void> {
    this.follows.get(id)?.close();
    let seenLogin = false;
    const sub = await followTunnel(rt, id, (e: TunnelEvent) => {
      const info = this.tunnels.get(id);
      if (!info) return;
      if (e.kind === 'login' && !seenLogin) {
        seenLogin = true;
        this.set(id, { ...info, login: { code: e.code, url: e.url } });
        announceLogin(info.name, e.code, e.url);
      } else if (e.kind === 'ready') {
        this.set(id, { name: info.name, url: e.url });
        this.follows.get(id)?.close();
        this.follows.delete(id);
        if (announce || seenLogin) announceReady(info.name, e.url);
      } else if (e.kind === 'ended') {
        this.forget(id);
        void vscode.window.showWarningMessage(
          e.exitCode !== undefined
            ? vscode.l10n.t('Tunnel “{0}” ended (exit code {1}).', shownName(info.name), e.exitCode)
            : vscode.l10n.t('Tunnel “{0}” ended.', shownName(info.name)),
        );
      }
    });
    if (this.tunnels.has(id) && !this.tunnels.get(id)!.url) this.follows.set(id, sub);
    else sub.close();
  }

  private set(id: string, info: TunnelInfo): void {
    this.tunnels.set(id, info);
    this.save();
    this.changed.fire(id);
  }

  private forget(id: string): void {
    this.follows.get(id)?.close();
    this.follows.delete(id);
    if (!this.tunnels.delete(id)) return;
    this.save();
    this.changed.fire(id);
  }

  private save(): void {
    void this.state.update(STATE_KEY, Object.fromEntries(this.tunnels));
  }

  dispose(): void {
    for (const f of this.follows.values()) f.close();
    for (const d of this.subs) d.dispose();
    this.changed.dispose();
  }
}

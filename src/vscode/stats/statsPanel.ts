import * as vscode from 'vscode';
import { workspaceFolderOf } from '../../core/workspace/membership';
import { chooseShown } from '../../core/stats/choose';
import { StatsMonitor } from '../../core/stats/statsMonitor';
import type { StatsPoint } from '../../core/stats/point';
import type { ContainerRuntime } from '../../core/runtime/types';
import type { RuntimeSession } from '../runtimeSession';
import { SECTION } from '../settings';
import type { LiveContainers } from '../live/liveContainers';
import { workspaceFolders } from '../workspaceFolders';
import type { FromWebview, Row, ShownContainer, ToWebview } from '../../shared/statsProtocol';
import { toRow } from './toRow';
import { parseFromWebview } from './fromWebview';
import { escapeControl } from '../../core/text/escapeControl';
import { statsHtml } from './statsHtml';

export const STATS_VIEW_TYPE = 'containerWorkspaces.stats';
const WINDOW_MS = 5 * 60_000;
/** The setting's maximum, also when settings.json says more. */
const MAX_CAP = 200;
/** Malformed webview messages logged per panel, one line each; the rest are ignored quietly. */
const MAX_IGNORED_LOGGED = 20;

export interface StatsPanelDeps {
  session: RuntimeSession;
  live: LiveContainers;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
}

function maxContainers(): number {
  const n = vscode.workspace.getConfiguration(SECTION).get<number>('stats.maxContainers', 20);
  return Number.isFinite(n) && n >= 1 ? Math.min(MAX_CAP, Math.floor(n)) : 20;
}

/**
 * The "Container Stats" panel. While it is visible it holds the live container list and streams
 * stats for the running containers it shows (at most stats.maxContainers); hidden or closed, every
 * stats stream is closed at once. The history stays here, so a panel shown again redraws at once
 * without keeping its webview alive in the background.
 */
export class StatsPanel implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly monitor: StatsMonitor;
  private readonly subs: vscode.Disposable[] = [];
  private releaseStore: (() => void) | undefined;
  private runtime: ContainerRuntime | undefined;
  private restreamTimer: NodeJS.Timeout | undefined;
  private readonly offStore: () => void;
  private webviewReady = false;
  /** Containers whose history the current webview has. */
  private readonly sentHistory = new Set<string>();
  private lastState = '';
  private _selected: string | undefined;
  private disposed = false;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.closed.event;
  private readonly posted = new vscode.EventEmitter<ToWebview>();
  /** Every message sent to the webview (what it was told, for anyone watching the conversation). */
  readonly onDidPost = this.posted.event;
  /** Malformed messages from the webview so far (the first MAX_IGNORED_LOGGED are logged). */
  private ignored = 0;
  private readonly received = new vscode.EventEmitter<FromWebview>();
  /** Every message the webview sent. */
  readonly onDidReceive = this.received.event;

  /** A new panel, or (`restored`) the one VS Code brings back after a window reload. */
  constructor(
    private readonly deps: StatsPanelDeps,
    selected?: string,
    restored?: vscode.WebviewPanel,
  ) {
    this._selected = selected;
    const media = vscode.Uri.joinPath(deps.extensionUri, 'media');
    const options = { enableScripts: true, localResourceRoots: [media] };
    if (restored) restored.webview.options = options;
    this.panel =
      restored ??
      vscode.window.createWebviewPanel(
        STATS_VIEW_TYPE,
        vscode.l10n.t('Container Stats'),
        vscode.ViewColumn.Active,
        options,
      );
    this.panel.iconPath = vscode.Uri.joinPath(media, 'stats.svg');
    this.monitor = new StatsMonitor({
      windowMs: WINDOW_MS,
      onBatch: (b) => this.sendPoints(b),
      onError: (id, err) => deps.log.warn(`Stats for ${this.nameOf(id)}: ${err.message}`),
      // Ended by the engine (Podman ends it when the container stops; a dropped connection): if the
      // container still runs, it is streamed again.
      onEnded: () => this.restreamSoon(),
    });
    this.runtime = deps.session.runtime;
    this.monitor.setRuntime(this.runtime);
    // A first list with no containers changes nothing, but ends "Loading…".
    this.offStore = deps.live.store.onDidChangeStatus(() => this.update());
    this.subs.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(() => this.followVisibility()),
      this.panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      deps.session.onDidChange(() => this.followRuntime()),
      deps.live.onDidChange(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.stats.maxContainers`)) this.update();
      }),
    );
    this.panel.webview.html = statsHtml(this.panel.webview, media);
    this.followVisibility();
  }

  get selected(): string | undefined {
    return this._selected;
  }

  private followRuntime(): void {
    const rt = this.deps.session.runtime;
    if (rt !== this.runtime) {
      this.runtime = rt;
      this.monitor.setRuntime(rt);
      this.sentHistory.clear();
    }
    this.update();
  }
  /** The containers streamed now. */
  get watching(): string[] {
    return this.monitor.watching;
  }
  get visible(): boolean {
    return this.panel.visible;
  }
  /** A container's kept points. */
  history(id: string): readonly StatsPoint[] {
    return this.monitor.history(id);
  }

  /** Shows the panel, with this container selected when given. */
  reveal(selected?: string): void {
    if (selected) this._selected = selected;
    this.panel.reveal(undefined, false);
    // The webview may have selected another row since the last state: say this one again.
    this.lastState = '';
    this.update();
  }

  private followVisibility(): void {
    if (this.disposed) return;
    if (this.panel.visible && !this.releaseStore) {
      this.releaseStore = this.deps.live.store.acquire();
      this.update();
    } else if (!this.panel.visible && this.releaseStore) {
      this.stopStreaming();
    }
  }

  private restreamSoon(): void {
    if (this.restreamTimer || this.disposed) return;
    this.restreamTimer = setTimeout(() => {
      this.restreamTimer = undefined;
      this.update();
    }, 1_000);
  }

  private stopStreaming(): void {
    clearTimeout(this.restreamTimer);
    this.restreamTimer = undefined;
    this.monitor.watch([]);
    this.releaseStore?.();
    this.releaseStore = undefined;
    // Its webview is discarded while hidden; the next one says when it is ready.
    this.webviewReady = false;
    this.sentHistory.clear();
    this.lastState = '';
  }

  private onMessage(raw: unknown): void {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      // One line each, up to a limit: a webview sending garbage in a loop must not flood the log.
      if (this.ignored++ < MAX_IGNORED_LOGGED)
        this.deps.log.warn(`Stats panel: ignored a message from the webview (${parsed.reason}).`);
      else if (this.ignored === MAX_IGNORED_LOGGED + 1)
        this.deps.log.warn('Stats panel: further malformed messages from the webview are ignored without a log line.');
      return;
    }
    const m = parsed.message;
    this.received.fire(m);
    switch (m.type) {
      case 'ready':
        // From a webview already discarded (the panel was hidden meanwhile): the next one says so itself.
        if (!this.panel.visible) break;
        this.webviewReady = true;
        this.sentHistory.clear();
        this.lastState = '';
        this.update();
        break;
      case 'select':
        this._selected = m.id;
        break;
      case 'openSetting':
        void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.stats.maxContainers`);
        break;
      case 'cspViolation': {
        const blocked = escapeControl(m.blocked, { maxLength: 200 }) || '(inline)';
        this.deps.log.warn(`Stats panel: the content security policy blocked ${blocked} (${m.directive}).`);
        break;
      }
    }
  }

  /**
   * What the panel shows now: a message instead of containers, or the containers (at most `cap`).
   * With a list, the monitor lets go of the history of containers that are gone.
   */
  private whatToShow(cap: number): { message?: string; shown: ShownContainer[]; notShown: number } {
    const { session, live } = this.deps;
    if (session.state === 'host') {
      return {
        message: vscode.l10n.t(
          'The runtime is set to Host: there are no containers to measure. Choose a container runtime to see stats.',
        ),
        shown: [],
        notShown: 0,
      };
    }
    if (session.state !== 'ready' || !session.runtime) {
      const message =
        session.state === 'checking'
          ? vscode.l10n.t('Connecting to {0}…', session.label)
          : (session.error?.message ?? vscode.l10n.t('{0} is not reachable.', session.label));
      return { message, shown: [], notShown: 0 };
    }
    if (!live.store.loaded) return { message: vscode.l10n.t('Loading containers…'), shown: [], notShown: 0 };
    const folders = workspaceFolders();
    const all = live.store.containers;
    const chosen = chooseShown(all, {
      cap,
      selected: this._selected,
      preferred: (c) => !!workspaceFolderOf(c, folders),
    });
    this.monitor.retain(new Set(all.map((c) => c.id)));
    const shown = chosen.shown.map((c) => ({ id: c.id, name: c.name, image: c.image }));
    const message = shown.length
      ? undefined
      : vscode.l10n.t('No running containers. Stats appear here as soon as one starts.');
    return { message, shown, notShown: chosen.notShown };
  }

  /** Works out what to stream and show, and tells the webview when that changed. */
  private update(): void {
    if (this.disposed || !this.panel.visible) return;
    const { session } = this.deps;
    const runtime = session.info ? `${session.label} ${session.info.version}` : session.label;
    const cap = maxContainers();
    const { message, shown, notShown } = this.whatToShow(cap);
    this.monitor.watch(shown.map((c) => c.id));
    if (!this.webviewReady) return;
    const key = JSON.stringify([runtime, message, shown, this._selected, notShown, cap]);
    // The webview forgets containers it no longer shows: one that comes back needs its history again.
    const shownIds = new Set(shown.map((c) => c.id));
    for (const id of this.sentHistory) if (!shownIds.has(id)) this.sentHistory.delete(id);
    const fresh = shown.filter((c) => !this.sentHistory.has(c.id));
    if (key === this.lastState && !fresh.length) return;
    this.lastState = key;
    const history: Record<string, Row[]> = {};
    for (const c of fresh) {
      history[c.id] = this.monitor.history(c.id).map(toRow);
      this.sentHistory.add(c.id);
    }
    this.post({
      type: 'state',
      runtime,
      message,
      containers: shown,
      selected: this._selected,
      notShown,
      cap,
      windowMs: WINDOW_MS,
      history,
    });
  }

  private sendPoints(batch: Map<string, StatsPoint[]>): void {
    if (!this.webviewReady || !this.panel.visible) return;
    const points: Record<string, Row[]> = {};
    let any = false;
    for (const [id, list] of batch) {
      // Only containers whose history the webview has: the others come with their next state.
      if (!this.sentHistory.has(id)) continue;
      points[id] = list.map(toRow);
      any = true;
    }
    if (any) this.post({ type: 'points', points });
  }

  private post(m: ToWebview): void {
    this.posted.fire(m);
    void this.panel.webview.postMessage(m);
  }

  private nameOf(id: string): string {
    return this.deps.live.store.containers.find((c) => c.id === id)?.name ?? id.slice(0, 12);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopStreaming();
    this.monitor.dispose();
    this.offStore();
    for (const d of this.subs) d.dispose();
    this.panel.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.posted.dispose();
    this.received.dispose();
  }
}

/** The one stats panel of the window, opened on demand. */
export class StatsPanels implements vscode.Disposable {
  private _current: StatsPanel | undefined;
  private readonly opened = new vscode.EventEmitter<StatsPanel>();
  /** A panel was opened or restored; fired before it has sent or received anything. */
  readonly onDidOpen = this.opened.event;

  constructor(private readonly deps: StatsPanelDeps) {}

  get current(): StatsPanel | undefined {
    return this._current;
  }

  show(selected?: string): StatsPanel {
    if (this._current) {
      this._current.reveal(selected);
      return this._current;
    }
    return this.adopt(new StatsPanel(this.deps, selected));
  }

  /** Takes over the panel VS Code restores after a reload (its webview state has the selection). */
  revive(panel: vscode.WebviewPanel, state: unknown): StatsPanel {
    const selected =
      typeof (state as { selected?: unknown } | undefined)?.selected === 'string'
        ? (state as { selected: string }).selected
        : undefined;
    if (this._current) {
      // Only one stats panel: a second restored one is closed.
      panel.dispose();
      return this._current;
    }
    return this.adopt(new StatsPanel(this.deps, selected, panel));
  }

  private adopt(p: StatsPanel): StatsPanel {
    this._current = p;
    p.onDidDispose(() => {
      if (this._current === p) this._current = undefined;
    });
    this.opened.fire(p);
    return p;
  }

  dispose(): void {
    this._current?.dispose();
    this.opened.dispose();
  }
}

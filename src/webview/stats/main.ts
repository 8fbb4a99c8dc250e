// The Container Stats webview: wires the extension's messages to the overview table and the
// selected container's charts. Everything is built into #app (or <body> without one).
import 'uplot/dist/uPlot.min.css';
import './stats.css';
import { Detail } from './detail';
import { el, set, text } from './dom';
import { Overview } from './overview';
import type { FromWebview, Row, ShownContainer, ToWebview } from '../../shared/statsProtocol';
import { SeriesStore } from './series';
import { t } from './text';
import { onThemeChange, readTheme } from './theme';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; setState(state: unknown): void };

const vscode = acquireVsCodeApi();
const post = (m: FromWebview) => {
  vscode.postMessage(m);
};

document.addEventListener('securitypolicyviolation', (e) => {
  post({ type: 'cspViolation', directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI });
});

/** The page: a header (runtime, cap note), a message line, the overview table and the charts. */
class StatsPage {
  private readonly store = new SeriesStore();
  private containers: ShownContainer[] = [];
  private selected: string | undefined;
  private readonly runtime = text();
  private readonly shownOf = text();
  private readonly message = text();
  private readonly capNote: HTMLElement;
  private readonly messageEl: HTMLElement;
  private readonly content: HTMLElement;
  private readonly root: HTMLElement;
  private readonly detail = new Detail();
  private readonly overview = new Overview((id) => {
    this.select(id);
    post({ type: 'select', id });
  });

  constructor(parent: HTMLElement) {
    this.capNote = el('span', 'cap-note', this.shownOf, ' · ', changeLimitButton());
    this.messageEl = el('p', 'message', this.message);
    this.messageEl.setAttribute('role', 'status');
    this.content = el('div', 'content', this.overview.el, this.detail.el);
    const bar = el('header', 'bar', el('span', 'runtime', this.runtime), this.capNote);
    this.root = el('main', 'stats', bar, this.messageEl, this.content);
    this.root.hidden = true;
    parent.append(this.root);
  }

  select(id: string | undefined): void {
    this.selected = id;
    // Kept by VS Code across a window reload: the restored panel selects the same container.
    vscode.setState({ selected: id });
    this.overview.setSelected(id);
    this.detail.show(this.containers.find((c) => c.id === id));
    this.drawDetail();
  }

  private drawDetail(): void {
    // Before any point, the window ends now.
    const { store, selected } = this;
    if (selected) this.detail.update(store.get(selected), store.latest || Date.now(), store.windowMs);
  }

  onState(s: Extract<ToWebview, { type: 'state' }>): void {
    const containers = (this.containers = s.containers ?? []);
    this.store.sync(
      containers.map((c) => c.id),
      s.history ?? {},
      s.windowMs,
    );
    this.root.hidden = false;
    set(this.runtime, s.runtime ?? '');
    this.capNote.hidden = !(s.notShown > 0);
    set(this.shownOf, t('showing', containers.length, containers.length + s.notShown));
    const why = s.message ?? (containers.length ? undefined : t('noRunningContainers'));
    set(this.message, why ?? '');
    this.messageEl.hidden = why === undefined;
    this.content.hidden = why !== undefined;
    this.overview.setContainers(containers);
    const shown = (id: string | undefined) => id !== undefined && containers.some((c) => c.id === id);
    const next = shown(s.selected) ? s.selected : shown(this.selected) ? this.selected : containers[0]?.id;
    this.overview.update(this.store);
    this.select(next);
    if (next && next !== s.selected) post({ type: 'select', id: next });
  }

  onPoints(points: Record<string, Row[]>): void {
    const changed = this.store.append(points ?? {});
    if (!changed.length) return;
    this.overview.update(this.store);
    this.drawDetail();
  }

  applyTheme(): void {
    const theme = readTheme();
    this.overview.setTheme(theme, this.store);
    this.detail.setTheme(theme);
    this.drawDetail();
  }
}

/** "Change limit": opens the setting that caps how many containers are shown. */
function changeLimitButton(): HTMLButtonElement {
  const b = el('button', 'link', t('changeLimit'));
  b.type = 'button';
  b.title = t('changeLimitTitle');
  b.addEventListener('click', () => post({ type: 'openSetting' }));
  return b;
}

function start(): void {
  const page = new StatsPage(document.getElementById('app') ?? document.body);
  window.addEventListener('message', (e: MessageEvent<ToWebview>) => {
    const m = e.data;
    if (m?.type === 'state') page.onState(m);
    else if (m?.type === 'points') page.onPoints(m.points);
  });
  page.applyTheme();
  onThemeChange(() => page.applyTheme());
  post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

// The Container Stats webview: wires the extension's messages to the overview table and the
// selected container's charts. Everything is built into #app (or <body> without one).
import 'uplot/dist/uPlot.min.css';
import './stats.css';
import { Detail } from './detail';
import { el, set, text } from './dom';
import { Overview } from './overview';
import type { FromWebview, Row, ShownContainer, ToWebview } from '../../shared/statsProtocol';
import { SeriesStore } from './series';
import { onThemeChange, readTheme } from './theme';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; setState(state: unknown): void };

const vscode = acquireVsCodeApi();
const post = (m: FromWebview) => {
  vscode.postMessage(m);
};

document.addEventListener('securitypolicyviolation', (e) => {
  post({ type: 'cspViolation', directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI });
});

function start(): void {
  const store = new SeriesStore();
  let containers: ShownContainer[] = [];
  let selected: string | undefined;

  const runtime = text();
  const shownOf = text();
  const changeLimit = el('button', 'link', 'Change limit');
  changeLimit.type = 'button';
  changeLimit.title = 'Raise containerWorkspaces.stats.maxContainers';
  changeLimit.addEventListener('click', () => post({ type: 'openSetting' }));
  const capNote = el('span', 'cap-note', shownOf, ' · ', changeLimit);
  const message = text();
  const messageEl = el('p', 'message', message);
  messageEl.setAttribute('role', 'status');

  const detail = new Detail();
  const overview = new Overview((id) => {
    select(id);
    post({ type: 'select', id });
  });
  const content = el('div', 'content', overview.el, detail.el);
  const root = el('main', 'stats', el('header', 'bar', el('span', 'runtime', runtime), capNote), messageEl, content);
  root.hidden = true;
  (document.getElementById('app') ?? document.body).append(root);

  function select(id: string | undefined): void {
    selected = id;
    // Kept by VS Code across a window reload: the restored panel selects the same container.
    vscode.setState({ selected: id });
    overview.setSelected(id);
    detail.show(containers.find((c) => c.id === id));
    drawDetail();
  }

  function drawDetail(): void {
    // Before any point, the window ends now.
    if (selected) detail.update(store.get(selected), store.latest || Date.now(), store.windowMs);
  }

  function onState(s: Extract<ToWebview, { type: 'state' }>): void {
    containers = s.containers ?? [];
    store.sync(
      containers.map((c) => c.id),
      s.history ?? {},
      s.windowMs,
    );
    root.hidden = false;
    set(runtime, s.runtime ?? '');
    capNote.hidden = !(s.notShown > 0);
    set(shownOf, `Showing ${containers.length} of ${containers.length + s.notShown} running containers`);
    const why = s.message ?? (containers.length ? undefined : 'No running containers.');
    set(message, why ?? '');
    messageEl.hidden = why === undefined;
    content.hidden = why !== undefined;
    overview.setContainers(containers);
    const shown = (id: string | undefined) => id !== undefined && containers.some((c) => c.id === id);
    const next = shown(s.selected) ? s.selected : shown(selected) ? selected : containers[0]?.id;
    overview.update(store);
    select(next);
    if (next && next !== s.selected) post({ type: 'select', id: next });
  }

  function onPoints(points: Record<string, Row[]>): void {
    const changed = store.append(points ?? {});
    if (!changed.length) return;
    overview.update(store);
    drawDetail();
  }

  window.addEventListener('message', (e: MessageEvent<ToWebview>) => {
    const m = e.data;
    if (m?.type === 'state') onState(m);
    else if (m?.type === 'points') onPoints(m.points);
  });

  const applyTheme = () => {
    const theme = readTheme();
    overview.setTheme(theme, store);
    detail.setTheme(theme);
    drawDetail();
  };
  applyTheme();
  onThemeChange(applyTheme);
  post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

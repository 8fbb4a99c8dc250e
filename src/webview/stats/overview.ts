// The overview table: one row per shown container with its latest figures and sparklines of the
// last minute. Rows are made once per container and then only their text and charts change.
// Selectable by click and keyboard (roving tabindex: ↑/↓/Home/End move, Enter/Space select).
import type uPlot from 'uplot';
import { sparkline, type XRange } from './charts';
import { el, set, text } from './dom';
import { fmtBytes, fmtCount, fmtPercent, fmtRate, isLimited, memPercent } from './format';
import { Col, type ShownContainer } from '../../shared/statsProtocol';
import { toColumns, type SeriesStore } from './series';
import type { Theme } from './theme';
import { t } from './text';

const SPARK_MS = 60_000;
const SPARK_MIN_MS = 15_000;

interface RowView {
  id: string;
  tr: HTMLTableRowElement;
  name: Text;
  image: Text;
  cpu: Text;
  mem: Text;
  memLimit: Text;
  memPct: Text;
  rx: Text;
  tx: Text;
  read: Text;
  write: Text;
  pids: Text;
  cpuHost: HTMLElement;
  memHost: HTMLElement;
  cpuSpark?: uPlot;
  memSpark?: uPlot;
}

const HEADS: [string, string][] = [
  [t('name'), 'c-name'],
  [t('cpu'), 'c-cpu'],
  [t('memory'), 'c-mem'],
  [t('networkShort'), 'c-net'],
  [t('block'), 'c-blk'],
  [t('pids'), 'c-pids'],
];

/** "↓ 1.2 kB/s": a muted key and a value. */
function pair(key: string, title: string, value: Text): HTMLElement {
  const k = el('span', 'k', key);
  k.title = title;
  return el('span', 'io', k, value);
}

export class Overview {
  readonly el: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly rows = new Map<string, RowView>();
  private order: string[] = [];
  private selected?: string;
  private theme?: Theme;
  private readonly win: XRange = { min: 0, max: 1 };

  constructor(private readonly onSelect: (id: string) => void) {
    const head = el('tr');
    for (const [label, cls] of HEADS) {
      const th = el('th', cls, label);
      th.scope = 'col';
      head.append(th);
    }
    this.tbody = el('tbody');
    this.table = el('table', 'overview', el('thead', '', head), this.tbody);
    this.table.setAttribute('role', 'grid');
    this.table.setAttribute('aria-label', t('runningContainers'));
    this.el = el('div', 'table-wrap', this.table);

    this.tbody.addEventListener('click', (e) => {
      const row = this.rowOf(e.target);
      if (row) {
        row.tr.focus();
        this.choose(row.id);
      }
    });
    this.tbody.addEventListener('keydown', (e) => this.onKey(e));
    // The selection's colours (and its sparklines') depend on whether the table has the focus.
    this.table.addEventListener('focusin', () => this.redrawSelected());
    this.table.addEventListener('focusout', () => requestAnimationFrame(() => this.redrawSelected()));
  }

  /** Shows rows for `list`, in its order: keeps the rows of known ids, makes new ones, drops the rest. */
  setContainers(list: readonly ShownContainer[]): void {
    const ids = list.map((c) => c.id);
    // A keyboard user whose row goes (its container stopped) keeps the focus in the table.
    const focusLost = [...this.rows.values()].some((r) => !ids.includes(r.id) && r.tr === document.activeElement);
    for (const [id, row] of this.rows) {
      if (ids.includes(id)) continue;
      row.cpuSpark?.destroy();
      row.memSpark?.destroy();
      row.tr.remove();
      this.rows.delete(id);
    }
    for (const c of list) {
      const row = this.rows.get(c.id) ?? this.makeRow(c.id);
      set(row.name, c.name);
      set(row.image, c.image);
      row.tr.title = `${c.name}\n${c.image}\n${c.id.slice(0, 12)}`;
    }
    if (ids.join('\n') !== this.order.join('\n')) {
      this.order = ids;
      this.tbody.append(...ids.map((id) => this.rows.get(id)!.tr));
    }
    this.fixTabStop();
    if (focusLost) this.focusAfterRemoval = true;
  }

  /** After a focused row went: focus the selected row once the selection is settled. */
  private focusAfterRemoval = false;

  setSelected(id: string | undefined): void {
    const prev = this.selected;
    this.selected = id;
    for (const row of this.rows.values()) row.tr.setAttribute('aria-selected', String(row.id === id));
    if (prev !== id) {
      this.redraw(prev);
      this.redraw(id);
    }
    this.fixTabStop();
    if (this.focusAfterRemoval) {
      this.focusAfterRemoval = false;
      (this.rows.get(id ?? '') ?? this.rows.values().next().value)?.tr.focus();
    }
  }

  /** Puts the latest figures and the last minute of points in every row. */
  update(store: SeriesStore): void {
    // Trend lines span the last minute, or less while there is less history (at least 15 s).
    let first = store.latest;
    for (const id of this.rows.keys()) first = Math.min(first, store.get(id)[0]?.[Col.T] ?? first);
    const span = Math.min(SPARK_MS, Math.max(SPARK_MIN_MS, store.latest - first));
    this.win.max = store.latest / 1000;
    this.win.min = this.win.max - span / 1000;
    for (const row of this.rows.values()) {
      const p = store.last(row.id);
      set(row.cpu, fmtPercent(p?.[Col.Cpu]));
      const limit = p?.[Col.MemLimit];
      set(row.mem, fmtBytes(p?.[Col.Mem]));
      set(row.memLimit, isLimited(limit) ? ` / ${fmtBytes(limit)}` : '');
      set(row.memPct, p && !isLimited(limit) ? t('noLimit') : fmtPercent(p ? memPercent(p[Col.Mem], limit) : null));
      set(row.rx, fmtRate(p?.[Col.Rx]));
      set(row.tx, fmtRate(p?.[Col.Tx]));
      set(row.read, fmtRate(p?.[Col.Read]));
      set(row.write, fmtRate(p?.[Col.Write]));
      set(row.pids, fmtCount(p?.[Col.Pids]));
      this.ensureSparks(row);
      const data = toColumns(store.get(row.id), [Col.Cpu, Col.Mem], store.latest - SPARK_MS - 2000);
      row.cpuSpark?.setData([data[0], data[1]] as uPlot.AlignedData);
      row.memSpark?.setData([data[0], data[2]] as uPlot.AlignedData);
    }
  }

  /** Makes the sparklines again in the colours of `theme`. */
  setTheme(theme: Theme, store: SeriesStore): void {
    this.theme = theme;
    for (const row of this.rows.values()) {
      row.cpuSpark?.destroy();
      row.memSpark?.destroy();
      row.cpuSpark = row.memSpark = undefined;
    }
    this.update(store);
  }

  focusSelected(): void {
    if (this.selected) this.rows.get(this.selected)?.tr.focus();
  }

  private ensureSparks(row: RowView): void {
    const theme = this.theme;
    if (!theme || row.cpuSpark) return;
    const inverted = () => row.id === this.selected && this.table.contains(document.activeElement);
    row.cpuSpark = sparkline(row.cpuHost, theme, theme.cpu, 1, this.win, inverted);
    row.memSpark = sparkline(row.memHost, theme, theme.mem, 1024 * 1024, this.win, inverted);
  }

  private redraw(id: string | undefined): void {
    const row = id ? this.rows.get(id) : undefined;
    row?.cpuSpark?.redraw(false);
    row?.memSpark?.redraw(false);
  }

  private redrawSelected(): void {
    this.redraw(this.selected);
  }

  private makeRow(id: string): RowView {
    const row: RowView = {
      id,
      tr: el('tr', 'row'),
      name: text(),
      image: text(),
      cpu: text(),
      mem: text(),
      memLimit: text(),
      memPct: text(),
      rx: text(),
      tx: text(),
      read: text(),
      write: text(),
      pids: text(),
      cpuHost: el('span', 'spark'),
      memHost: el('span', 'spark'),
    };
    row.tr.tabIndex = -1;
    row.tr.dataset.id = id;
    row.tr.append(
      el('td', 'c-name', el('div', 'name', row.name), el('div', 'sub', row.image)),
      el('td', 'c-cpu', el('div', 'metric', el('span', 'num', row.cpu), row.cpuHost)),
      el(
        'td',
        'c-mem',
        el(
          'div',
          'metric',
          el('div', 'num', el('div', '', row.mem, el('span', 'limit', row.memLimit)), el('div', 'sub', row.memPct)),
          row.memHost,
        ),
      ),
      el('td', 'c-net num', pair('↓', t('received'), row.rx), pair('↑', t('sent'), row.tx)),
      el('td', 'c-blk num', pair('R', t('read'), row.read), pair('W', t('written'), row.write)),
      el('td', 'c-pids num', row.pids),
    );
    this.rows.set(id, row);
    return row;
  }

  private rowOf(target: EventTarget | null): RowView | undefined {
    const tr = (target as Element | null)?.closest?.('tr.row') as HTMLElement | null;
    return tr?.dataset.id ? this.rows.get(tr.dataset.id) : undefined;
  }

  private choose(id: string): void {
    if (id === this.selected) return;
    this.setSelected(id);
    this.onSelect(id);
  }

  private onKey(e: KeyboardEvent): void {
    const row = this.rowOf(e.target);
    if (!row || e.altKey || e.ctrlKey || e.metaKey) return;
    const i = this.order.indexOf(row.id);
    let to: number | undefined;
    switch (e.key) {
      case 'ArrowDown':
        to = i + 1;
        break;
      case 'ArrowUp':
        to = i - 1;
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = this.order.length - 1;
        break;
      case 'PageDown':
        to = i + 10;
        break;
      case 'PageUp':
        to = i - 10;
        break;
      case 'Enter':
      case ' ':
        this.choose(row.id);
        break;
      default:
        return;
    }
    e.preventDefault();
    if (to === undefined) return;
    const next = this.rows.get(this.order[Math.max(0, Math.min(this.order.length - 1, to))]);
    if (!next) return;
    row.tr.tabIndex = -1;
    next.tr.tabIndex = 0;
    next.tr.focus();
  }

  /** One row is in the tab order: the focused one, else the selected one, else the first. */
  private fixTabStop(): void {
    const focused = this.rowOf(document.activeElement);
    const stop = focused ?? (this.selected ? this.rows.get(this.selected) : undefined) ?? this.rows.get(this.order[0]);
    for (const row of this.rows.values()) row.tr.tabIndex = row === stop ? 0 : -1;
  }
}

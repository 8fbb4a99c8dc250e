// The selected container's charts over the whole window: CPU, memory, network and block I/O.
// Each card's legend shows the latest values, or those under the pointer.
import type uPlot from 'uplot';
import { BINARY_INCRS, timeChart, type Data, type TimeChartSpec, type XRange } from './charts';
import { el, set, text } from './dom';
import { fmtBytes, fmtClock, fmtPercent, fmtRate, isLimited } from './format';
import { Col, type Row, type ShownContainer } from '../../shared/statsProtocol';
import { toColumns } from './series';
import type { Theme } from './theme';
import { t } from './text';

/** The shortest time axis the detail charts show. */
const MIN_SPAN_MS = 60_000;

const HEIGHT = 170;

interface CardDef {
  title: string;
  cols: Col[];
  names: string[];
  colors: (t: Theme) => string[];
  fmt: (v: number | null) => string;
  spec: Omit<TimeChartSpec, 'series'>;
}

const CARDS: CardDef[] = [
  {
    title: t('cpu'),
    cols: [Col.Cpu],
    names: [t('cpu')],
    colors: (t) => [t.cpu],
    fmt: (v) => fmtPercent(v),
    spec: { yLabel: (v) => fmtPercent(v, true), floor: 1 },
  },
  {
    title: t('memory'),
    cols: [Col.Mem],
    names: [t('used')],
    colors: (t) => [t.mem],
    fmt: (v) => fmtBytes(v),
    spec: { yLabel: (v) => fmtBytes(v, true), floor: 1024 * 1024, incrs: BINARY_INCRS },
  },
  {
    title: t('network'),
    cols: [Col.Rx, Col.Tx],
    names: [t('received'), t('sent')],
    colors: (t) => [t.rx, t.tx],
    fmt: (v) => fmtRate(v),
    spec: { yLabel: (v) => fmtRate(v, true), floor: 1000 },
  },
  {
    title: t('block'),
    cols: [Col.Read, Col.Write],
    names: [t('read'), t('written')],
    colors: (t) => [t.read, t.write],
    fmt: (v) => fmtRate(v),
    spec: { yLabel: (v) => fmtRate(v, true), floor: 1000 },
  },
];

interface Card {
  def: CardDef;
  host: HTMLElement;
  note: Text;
  time: Text;
  markers: HTMLElement[];
  values: Text[];
  u?: uPlot;
  data: Data;
  hover: number | null;
  width: number;
}

export class Detail {
  readonly el: HTMLElement;
  private readonly name = text();
  private readonly image = text();
  private readonly cards: Card[];
  private readonly win: XRange = { min: 0, max: 1 };
  private theme?: Theme;

  constructor() {
    this.cards = CARDS.map((def) => this.makeCard(def));
    const grid = el('div', 'charts', ...this.cards.map((c) => c.host.parentElement!));
    this.el = el(
      'section',
      'detail',
      el('div', 'detail-head', el('h2', 'detail-name', this.name), el('span', 'detail-image', this.image)),
      grid,
    );
    this.el.setAttribute('aria-label', t('selectedContainer'));
    const ro = new ResizeObserver(() => {
      for (const c of this.cards) this.fit(c);
    });
    for (const c of this.cards) ro.observe(c.host);
  }

  show(c: ShownContainer | undefined): void {
    set(this.name, c?.name ?? '');
    set(this.image, c?.image ?? '');
    for (const card of this.cards) card.hover = null;
  }

  /** Draws `rows` (the selected container's points) over the window that ends at `latest`. */
  update(rows: readonly Row[], latest: number, windowMs: number): void {
    // The time axis grows with the history (at least a minute) up to the whole window, so a panel
    // opened a few seconds ago does not squeeze its points against the right edge.
    const first = rows[0]?.[Col.T] ?? latest;
    const span = Math.min(windowMs, Math.max(MIN_SPAN_MS, latest - first));
    this.win.max = latest / 1000;
    this.win.min = (latest - span) / 1000;
    const last = rows[rows.length - 1];
    const limit = last?.[Col.MemLimit];
    set(this.cards[1].note, isLimited(limit) ? t('limit', fmtBytes(limit)) : last ? t('noLimit') : '');
    for (const card of this.cards) {
      card.data = toColumns(rows, card.def.cols, latest - windowMs);
      card.u?.setData(card.data as uPlot.AlignedData);
      this.showValues(card);
    }
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    for (const card of this.cards) {
      card.u?.destroy();
      card.u = undefined;
      card.def.colors(theme).forEach((color, i) => {
        card.markers[i].style.backgroundColor = color;
      });
      this.fit(card);
    }
  }

  private makeCard(def: CardDef): Card {
    const host = el('div', 'plot');
    const card: Card = {
      def,
      host,
      note: text(),
      time: text(),
      markers: [],
      values: [],
      data: [[], ...def.cols.map(() => [])],
      hover: null,
      width: 0,
    };
    const legend = el('div', 'legend');
    def.names.forEach((name) => {
      const marker = el('span', 'marker');
      const value = text();
      card.markers.push(marker);
      card.values.push(value);
      legend.append(el('span', 'entry', marker, el('span', 'label', name), el('span', 'value', value)));
    });
    legend.append(el('span', 'time', card.time));
    el(
      'div',
      'card',
      el('div', 'card-head', el('h3', 'card-title', def.title), el('span', 'note', card.note)),
      legend,
      host,
    );
    return card;
  }

  /** Makes or resizes the card's chart to its box (none while the box has no width: hidden). */
  private fit(card: Card): void {
    const width = Math.floor(card.host.clientWidth);
    if (!this.theme || width <= 0) return;
    if (card.u && width === card.width) return;
    card.width = width;
    if (card.u) {
      card.u.setSize({ width, height: HEIGHT });
      return;
    }
    const colors = card.def.colors(this.theme);
    const spec: TimeChartSpec = {
      ...card.def.spec,
      series: card.def.names.map((label, i) => ({ label, color: colors[i] })),
    };
    card.u = timeChart(card.host, this.theme, spec, this.win, width, HEIGHT, (idx) => {
      card.hover = idx;
      this.showValues(card);
    });
    card.u.setData(card.data as uPlot.AlignedData);
  }

  /** The legend's values: under the pointer, else the latest. */
  private showValues(card: Card): void {
    const xs = card.data[0];
    const i = card.hover ?? xs.length - 1;
    card.values.forEach((t, s) => set(t, card.def.fmt(i >= 0 ? (card.data[s + 1][i] ?? null) : null)));
    set(card.time, card.hover !== null && xs[i] != null ? fmtClock(xs[i] * 1000, true) : '');
  }
}

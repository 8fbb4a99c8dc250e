// uPlot charts in the theme's colours: the overview's sparklines and the detail's time charts.
import uPlot from 'uplot';
import { fmtClock } from './format';
import { withAlpha, type Theme } from './theme';

/** The x range the charts show, in seconds (uPlot's time unit); updated before each setData. */
export interface XRange {
  min: number;
  max: number;
}

export type Data = (number | null)[][];

const NO_SELECT = { show: false, left: 0, top: 0, width: 0, height: 0 };

/** 0 to a bit above the highest value, and at least to `floor`. */
const fromZero =
  (floor: number): uPlot.Scale.Range =>
  (_u, _min, max) => [0, Math.max(Number.isFinite(max) ? max : 0, floor) * 1.12];

const SPARK_W = 90;
const SPARK_H = 22;

/**
 * A tiny chart of one series: no axes, legend or cursor. `inverted()` tells whether it sits on the
 * focused selection, where it is drawn in the selection's foreground.
 */
export function sparkline(
  host: HTMLElement,
  theme: Theme,
  color: string,
  floor: number,
  win: XRange,
  inverted: () => boolean,
): uPlot {
  const inv = () => !!theme.selectedFg && inverted();
  const line = (): string => (inv() ? theme.selectedFg : color);
  const fill = withAlpha(color, 0.18);
  const fillInverted = theme.selectedFg && withAlpha(theme.selectedFg, 0.2);
  return new uPlot(
    {
      width: SPARK_W,
      height: SPARK_H,
      pxAlign: false,
      padding: [2, 0, 1, 0],
      cursor: { show: false },
      legend: { show: false },
      select: NO_SELECT,
      scales: { x: { time: false, range: () => [win.min, win.max] }, y: { range: fromZero(floor) } },
      axes: [{ show: false }, { show: false }],
      series: [
        {},
        {
          stroke: line,
          fill: () => (inv() ? fillInverted : fill),
          width: theme.highContrast ? 1.5 : 1,
          points: { show: false },
        },
      ],
    },
    [[], []],
    host,
  );
}

export interface SeriesSpec {
  label: string;
  color: string;
}

export interface TimeChartSpec {
  series: SeriesSpec[];
  /** Formats a y-axis label. */
  yLabel: (v: number) => string;
  /** Lowest top of the y axis (so that noise near 0 stays small). */
  floor: number;
  /** Tick steps of the y axis (e.g. binary ones for bytes); 1-2-5 decimal ones when absent. */
  incrs?: number[];
}

let measure: CanvasRenderingContext2D | null | undefined;

/** Width for the y axis's widest label. */
function yAxisSize(font: string): uPlot.Axis.Size {
  return (u, values, axisIdx, cycle) => {
    if (cycle > 1) return (u.axes[axisIdx] as { _size?: number })._size ?? 40;
    measure ??= document.createElement('canvas').getContext('2d');
    if (!measure || !values) return 40;
    measure.font = font;
    let w = 0;
    for (const v of values) if (v) w = Math.max(w, measure.measureText(v).width);
    return Math.ceil(w) + 14;
  };
}

/** Time tick steps, seconds: uPlot's lack 2 min, which a narrow 5-minute chart needs. */
const TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** Decimal tick steps: 1, 2, 5 of each power of ten (no 2.5: its labels would need more digits). */
export const DECIMAL_INCRS = Array.from({ length: 15 }, (_, i) => i - 2).flatMap((p) =>
  [1, 2, 5].map((m) => m * 10 ** p),
);

/** Binary tick steps: 1, 2, 4, 5 … 512 of each of B, KiB, MiB, GiB, TiB. */
export const BINARY_INCRS = [0, 1, 2, 3, 4].flatMap((p) =>
  [1, 2, 4, 5, 10, 16, 20, 25, 32, 50, 64, 100, 128, 200, 256, 500, 512].map((m) => m * 1024 ** p),
);

/** The time axis (clock labels) and the value axis (the spec's steps and labels). */
function timeAxes(theme: Theme, spec: TimeChartSpec): uPlot.Axis[] {
  const grid = { stroke: theme.grid, width: 1 };
  return [
    {
      stroke: theme.muted,
      font: theme.font,
      grid,
      ticks: { stroke: theme.grid, width: 1, size: 4 },
      space: 56,
      size: 28,
      incrs: TIME_INCRS,
      values: (_u, splits, _ai, _space, incr) => splits.map((s) => fmtClock(s * 1000, incr < 60)),
    },
    {
      stroke: theme.muted,
      font: theme.font,
      grid,
      ticks: { show: false },
      space: 28,
      gap: 6,
      size: yAxisSize(theme.font),
      incrs: spec.incrs ?? DECIMAL_INCRS,
      values: (_u, splits) => splits.map(spec.yLabel),
    },
  ];
}

/**
 * A chart of `spec.series` over the window `win`, time on x. `onCursor` gets the index of the
 * point under the pointer, or null when the pointer leaves.
 */
export function timeChart(
  host: HTMLElement,
  theme: Theme,
  spec: TimeChartSpec,
  win: XRange,
  width: number,
  height: number,
  onCursor: (idx: number | null) => void,
): uPlot {
  const lineW = theme.highContrast ? 2 : 1.5;
  const fillA = spec.series.length > 1 ? 0.08 : 0.14;
  return new uPlot(
    {
      width,
      height,
      padding: [10, 18, 0, 0],
      legend: { show: false },
      select: NO_SELECT,
      cursor: {
        y: false,
        drag: { x: false, y: false, setScale: false },
        points: { size: 7, width: 2, fill: (_u, i) => spec.series[i - 1]?.color ?? theme.fg, stroke: () => theme.fg },
      },
      scales: {
        x: { time: true, range: () => [win.min, win.max] },
        y: { range: fromZero(spec.floor) },
      },
      axes: timeAxes(theme, spec),
      series: [
        {},
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: withAlpha(s.color, fillA),
          width: lineW,
          points: { show: false },
        })),
      ],
      hooks: { setCursor: [(u: uPlot) => onCursor(u.cursor.idx ?? null)] },
    },
    [[], ...spec.series.map(() => [])],
    host,
  );
}

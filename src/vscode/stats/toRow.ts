import type { StatsPoint } from '../../core/stats/point';
import type { Row } from '../../shared/statsProtocol';

/** A point as the webview gets it: rounded to what is shown. */
const r2 = (n: number) => Math.round(n * 100) / 100;
const ri = (n: number | null) => (n === null ? null : Math.round(n));

export function toRow(p: StatsPoint): Row {
  return [
    p.t,
    r2(p.cpu),
    Math.round(p.mem),
    Math.round(p.memLimit),
    ri(p.rxRate),
    ri(p.txRate),
    ri(p.readRate),
    ri(p.writeRate),
    p.pids,
  ];
}

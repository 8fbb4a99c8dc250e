// The webview's copy of each shown container's points: history arrives once per container (in a
// 'state'), then new points about once a second. Pure: no DOM.
import { Col, type Row } from '../../shared/statsProtocol';

export class SeriesStore {
  private readonly rows = new Map<string, Row[]>();
  /** How much history is kept, ms. */
  windowMs = 5 * 60_000;
  /** The newest t seen for any container: "now" on the engine's clock. */
  latest = 0;

  /** The kept points of `id`, oldest first (empty when unknown). */
  get(id: string): readonly Row[] {
    return this.rows.get(id) ?? [];
  }

  /** The newest point of `id`. */
  last(id: string): Row | undefined {
    const r = this.rows.get(id);
    return r?.[r.length - 1];
  }

  ids(): string[] {
    return [...this.rows.keys()];
  }

  /**
   * Keeps exactly the containers `ids`: forgets the others, starts the new ones with their
   * `history`; what is kept for the rest stays.
   */
  sync(ids: readonly string[], history: Record<string, Row[]>, windowMs = this.windowMs): void {
    this.windowMs = windowMs;
    const keep = new Set(ids);
    for (const id of this.rows.keys()) if (!keep.has(id)) this.rows.delete(id);
    for (const id of ids) if (!this.rows.has(id)) this.rows.set(id, []);
    // "Now" is the newest point still kept: it moves back when the containers that set it go
    // (another engine, whose clock may be behind).
    this.latest = 0;
    for (const kept of this.rows.values())
      if (kept.length) this.latest = Math.max(this.latest, kept[kept.length - 1][Col.T]);
    this.add(history);
  }

  /** Adds new points of known containers; returns the ids that got any. */
  append(points: Record<string, Row[]>): string[] {
    return this.add(points);
  }

  private add(points: Record<string, Row[]>): string[] {
    const changed: string[] = [];
    for (const [id, rows] of Object.entries(points)) {
      const kept = this.rows.get(id);
      if (!kept || !Array.isArray(rows)) continue;
      let lastT = kept.length ? kept[kept.length - 1][Col.T] : -Infinity;
      let any = false;
      for (const row of rows) {
        // Points come in order; one not after the last kept is a duplicate.
        if (!(row[Col.T] > lastT)) continue;
        kept.push(row);
        lastT = row[Col.T];
        any = true;
      }
      if (any) {
        changed.push(id);
        if (lastT > this.latest) this.latest = lastT;
      }
    }
    this.trim();
    return changed;
  }

  /** Drops the points older than the window before `latest`. */
  private trim(): void {
    const cut = this.latest - this.windowMs;
    for (const kept of this.rows.values()) {
      let n = 0;
      while (n < kept.length && kept[n][Col.T] < cut) n++;
      if (n) kept.splice(0, n);
    }
  }
}

/**
 * Columns for a uPlot chart: x (seconds, as uPlot's time scale wants it) and the columns `cols`
 * of the points of `rows` from `sinceMs` on.
 */
/** Points further apart than this are not joined (samples come every 1–2 s). */
export const GAP_MS = 8_000;

export function toColumns(rows: readonly Row[], cols: readonly Col[], sinceMs = -Infinity): (number | null)[][] {
  let start = rows.length;
  while (start > 0 && rows[start - 1][Col.T] >= sinceMs) start--;
  const out: (number | null)[][] = [[], ...cols.map(() => [])];
  for (let i = start; i < rows.length; i++) {
    const r = rows[i];
    // Nothing was measured in a long gap (the panel hidden, the container stopped): break the
    // line there instead of drawing one across it.
    if (i > start && r[Col.T] - rows[i - 1][Col.T] > GAP_MS) {
      out[0].push((rows[i - 1][Col.T] + 1) / 1000);
      for (let c = 0; c < cols.length; c++) out[c + 1].push(null);
    }
    out[0].push(r[Col.T] / 1000);
    for (let c = 0; c < cols.length; c++) out[c + 1].push(r[cols[c]]);
  }
  return out;
}

import type { StatsPoint } from './point';

/** The last `windowMs` of one container's points, oldest first. */
export class StatsHistory {
  private readonly points: StatsPoint[] = [];

  constructor(private readonly windowMs: number) {}

  /** Adds a point; one not newer than the last (a repeated sample) is dropped. */
  add(p: StatsPoint): boolean {
    const last = this.points.at(-1);
    if (last && p.t <= last.t) return false;
    this.points.push(p);
    const oldest = p.t - this.windowMs;
    let drop = 0;
    while (drop < this.points.length && this.points[drop].t < oldest) drop++;
    if (drop) this.points.splice(0, drop);
    return true;
  }

  get length(): number {
    return this.points.length;
  }
  get last(): StatsPoint | undefined {
    return this.points.at(-1);
  }
  all(): readonly StatsPoint[] {
    return this.points;
  }
}

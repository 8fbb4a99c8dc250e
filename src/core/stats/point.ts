import type { StatsSample } from '../runtime/types';

/**
 * One moment of a container's figures, as the stats panel shows them: CPU and memory as sampled,
 * network and block I/O as rates (bytes per second) between this sample and the one before.
 * A rate is null when there is no sample before it to compare with, or its counter went back (reset).
 */
export interface StatsPoint {
  /** ms since the epoch, when the engine took the sample. */
  t: number;
  cpu: number;
  mem: number;
  memLimit: number;
  memPercent: number;
  rxRate: number | null;
  txRate: number | null;
  readRate: number | null;
  writeRate: number | null;
  pids: number;
}

/** Samples further apart than this do not make a rate (a gap while the panel was hidden). */
const MAX_RATE_GAP_MS = 30_000;

function rate(cur: number, prev: number, seconds: number): number | null {
  if (seconds <= 0 || cur < prev) return null;
  return (cur - prev) / seconds;
}

/** The point for `cur`, with rates against `prev` (the same container's previous sample, if any). */
export function toPoint(cur: StatsSample, prev?: StatsSample): StatsPoint {
  const dt = prev ? (cur.read - prev.read) / 1000 : 0;
  const usable = !!prev && dt > 0 && dt * 1000 <= MAX_RATE_GAP_MS;
  return {
    t: cur.read,
    cpu: cur.cpuPercent,
    mem: cur.memoryUsed,
    memLimit: cur.memoryLimit,
    memPercent: cur.memoryPercent,
    rxRate: usable ? rate(cur.netRx, prev.netRx, dt) : null,
    txRate: usable ? rate(cur.netTx, prev.netTx, dt) : null,
    readRate: usable ? rate(cur.blockRead, prev.blockRead, dt) : null,
    writeRate: usable ? rate(cur.blockWrite, prev.blockWrite, dt) : null,
    pids: cur.pids,
  };
}

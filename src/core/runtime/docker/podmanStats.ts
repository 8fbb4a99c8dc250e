import type { StatsSample } from '../types';

/** One entry of Podman's GET /libpod/containers/stats (cumulative counters). */
export interface LibpodStats {
  ContainerID: string;
  /** Container CPU time, ns (cumulative). */
  CPUNano: number;
  /** Wall clock at the sample, ns since the epoch. */
  SystemNano: number;
  MemUsage: number;
  MemLimit: number;
  NetInput: number;
  NetOutput: number;
  BlockInput: number;
  BlockOutput: number;
  PIDs: number;
}

/**
 * A sample from two consecutive libpod samples. CPU % = Δ CPU time / Δ wall time × 100: a percentage
 * of one core, the same meaning as `docker stats` (whose Δsystem is summed over all online CPUs).
 */
export function fromLibpodSamples(id: string, prev: LibpodStats, cur: LibpodStats): StatsSample {
  const wall = cur.SystemNano - prev.SystemNano;
  const cpu = cur.CPUNano - prev.CPUNano;
  return {
    id,
    read: Math.floor(cur.SystemNano / 1e6),
    cpuPercent: wall > 0 && cpu > 0 ? (cpu / wall) * 100 : 0,
    memoryUsed: cur.MemUsage,
    memoryLimit: cur.MemLimit,
    memoryPercent: cur.MemLimit > 0 ? (cur.MemUsage / cur.MemLimit) * 100 : 0,
    netRx: cur.NetInput,
    netTx: cur.NetOutput,
    blockRead: cur.BlockInput,
    blockWrite: cur.BlockOutput,
    pids: cur.PIDs,
  };
}

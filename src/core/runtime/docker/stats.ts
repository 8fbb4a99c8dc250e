import type { StatsSample } from '../types';
import { Shape, isObject, topObject, type Json, type Origin } from './shape';

/** The fields of GET /containers/{id}/stats that the figures come from (Linux engines). */
export interface RawStats {
  read?: string;
  /** When the previous sample was taken; the zero time (0001-01-01) when there is none. */
  preread?: string;
  id?: string;
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
    system_cpu_usage?: number;
    online_cpus?: number;
  };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: { op?: string; value?: number }[] | null };
  pids_stats?: { current?: number };
}

/**
 * Derived figures exactly as `docker stats` computes them:
 * CPU % = Δcontainer usage / Δsystem usage × online CPUs × 100 (0 when either delta is not positive);
 * memory used = usage − inactive file cache (cgroup v1 total_inactive_file, v2 inactive_file) when smaller;
 * network = Σ interfaces; block I/O = Σ read / write entries; pids = current.
 */
export function toStatsSample(id: string, s: RawStats): StatsSample {
  const cpu = s.cpu_stats ?? {};
  const pre = s.precpu_stats ?? {};
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const online = cpu.online_cpus || cpu.cpu_usage?.percpu_usage?.length || 1;
  const cpuPercent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;

  const mem = s.memory_stats ?? {};
  const usage = mem.usage ?? 0;
  const st = mem.stats ?? {};
  let memoryUsed = usage;
  if (st.total_inactive_file !== undefined && st.total_inactive_file < usage)
    memoryUsed = usage - st.total_inactive_file;
  else if (st.inactive_file !== undefined && st.inactive_file < usage) memoryUsed = usage - st.inactive_file;
  const memoryLimit = mem.limit ?? 0;

  let netRx = 0;
  let netTx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    netRx += n.rx_bytes ?? 0;
    netTx += n.tx_bytes ?? 0;
  }
  let blockRead = 0;
  let blockWrite = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (e.op ?? '').toLowerCase();
    if (op === 'read') blockRead += e.value ?? 0;
    else if (op === 'write') blockWrite += e.value ?? 0;
  }
  const read = s.read ? Date.parse(s.read) : NaN;
  return {
    id,
    read: Number.isFinite(read) && read > 0 ? read : Date.now(),
    cpuPercent,
    memoryUsed,
    memoryLimit,
    memoryPercent: memoryLimit > 0 ? (memoryUsed / memoryLimit) * 100 : 0,
    netRx,
    netTx,
    blockRead,
    blockWrite,
    pids: s.pids_stats?.current ?? 0,
  };
}

/**
 * A stats document checked field by field (shape.ts): only the fields above, each of the type the
 * figures use. Throws MalformedAnswer naming the field when the engine sent another type.
 */
export function toRawStats(v: unknown, origin: Origin): RawStats {
  const s = topObject(v, origin, 'a stats sample');
  const f = new Shape(origin, 'a stats sample');
  const cpu = f.obj(s, 'cpu_stats') ?? {};
  const cpuUsage = f.obj(cpu, 'cpu_usage') ?? {};
  const pre = f.obj(s, 'precpu_stats') ?? {};
  const mem = f.obj(s, 'memory_stats') ?? {};
  const memStats = f.obj(mem, 'stats') ?? {};
  const numbers = (o: Json) =>
    Object.fromEntries(Object.entries(o).filter((kv): kv is [string, number] => typeof kv[1] === 'number'));
  const networks = f.obj(s, 'networks') ?? {};
  const blk = f.obj(s, 'blkio_stats') ?? {};
  const perCpu = f.arr(cpuUsage, 'percpu_usage');
  return {
    read: f.str(s, 'read'),
    preread: f.str(s, 'preread'),
    id: f.str(s, 'id'),
    cpu_stats: {
      cpu_usage: {
        total_usage: f.num(cpuUsage, 'total_usage'),
        percpu_usage: perCpu?.filter((n): n is number => typeof n === 'number'),
      },
      system_cpu_usage: f.num(cpu, 'system_cpu_usage'),
      online_cpus: f.num(cpu, 'online_cpus'),
    },
    precpu_stats: {
      cpu_usage: { total_usage: f.num(f.obj(pre, 'cpu_usage') ?? {}, 'total_usage') },
      system_cpu_usage: f.num(pre, 'system_cpu_usage'),
    },
    memory_stats: { usage: f.num(mem, 'usage'), limit: f.num(mem, 'limit'), stats: numbers(memStats) },
    networks: Object.fromEntries(
      Object.entries(networks)
        .filter((kv): kv is [string, Json] => isObject(kv[1]))
        .map(([k, n]) => [k, { rx_bytes: f.num(n, 'rx_bytes'), tx_bytes: f.num(n, 'tx_bytes') }]),
    ),
    blkio_stats: {
      io_service_bytes_recursive: f
        .objects(blk, 'io_service_bytes_recursive')
        .map((e) => ({ op: f.str(e, 'op'), value: f.num(e, 'value') })),
    },
    pids_stats: { current: f.num(f.obj(s, 'pids_stats') ?? {}, 'current') },
  };
}

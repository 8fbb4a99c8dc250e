import { formatBytes, formatPercent, safe, safeJson } from '../format';
import { formatTable } from '../table';
import { json, operands, type CliCommand } from '../context';
import { ENGINE_FAN_OUT, mapLimit } from '../../core/util/mapLimit';

/** One snapshot of the given containers, or of every running one. */
export const stats: CliCommand = async (ctx) => {
  const rt = await ctx.runtime();
  let ids = operands(ctx);
  const names = new Map<string, string>();
  if (!ids.length) {
    const running = await rt.listContainers({ all: false });
    ids = running.map((c) => c.id);
    running.forEach((c) => names.set(c.id, c.name));
  }
  const samples = await mapLimit(ids, ENGINE_FAN_OUT, (id) => rt.stats(id));
  if (json(ctx)) return ctx.out(safeJson(samples));
  ctx.out(
    formatTable(
      ['CONTAINER', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'],
      samples.map((s, i) => [
        safe(names.get(s.id) ?? ids[i]),
        formatPercent(s.cpuPercent),
        `${formatBytes(s.memoryUsed)} / ${formatBytes(s.memoryLimit)}`,
        formatPercent(s.memoryPercent),
        `${formatBytes(s.netRx)} / ${formatBytes(s.netTx)}`,
        `${formatBytes(s.blockRead)} / ${formatBytes(s.blockWrite)}`,
        String(s.pids),
      ]),
    ),
  );
};

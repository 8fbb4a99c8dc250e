import { UsageError } from '../args';
import { json, operands, type CliCommand } from '../context';
import { safeJson } from '../format';
import { ENGINE_FAN_OUT, mapLimit } from '../../core/util/mapLimit';

/** Normalised details as JSON; --raw adds the engine's own document (may hold environment values). */
export const inspect: CliCommand = async (ctx) => {
  const ids = operands(ctx);
  if (!ids.length) throw new UsageError('inspect needs a container id or name');
  const rt = await ctx.runtime();
  const raw = ctx.args.flags.has('raw');
  const details = await mapLimit(ids, ENGINE_FAN_OUT, (id) => rt.inspect(id));
  const shown = details.map((d) => (raw ? d : { ...d, raw: undefined }));
  void json(ctx); // inspect always prints JSON
  ctx.out(safeJson(shown.length === 1 ? shown[0] : shown));
};

import { UsageError } from '../args';
import { json, operands, type CliCommand } from '../context';

/** Normalised details as JSON; --raw adds the engine's own document (may hold environment values). */
export const inspect: CliCommand = async (ctx) => {
  const ids = operands(ctx);
  if (!ids.length) throw new UsageError('inspect needs a container id or name');
  const rt = await ctx.runtime();
  const raw = ctx.args.flags.has('raw');
  const details = await Promise.all(ids.map((id) => rt.inspect(id)));
  const shown = details.map((d) => (raw ? d : { ...d, raw: undefined }));
  void json(ctx); // inspect always prints JSON
  ctx.out(JSON.stringify(shown.length === 1 ? shown[0] : shown, null, 2));
};

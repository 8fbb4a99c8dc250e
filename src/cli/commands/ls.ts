import { formatTable } from '../table';
import { json, type CliCommand } from '../context';
import { safe, safeJson } from '../format';

export const ls: CliCommand = async (ctx) => {
  const rt = await ctx.runtime();
  const list = await rt.listContainers({ all: ctx.args.flags.has('all') || ctx.args.flags.has('a') });
  if (json(ctx)) return ctx.out(safeJson(list));
  ctx.out(
    formatTable(
      ['CONTAINER ID', 'NAME', 'IMAGE', 'STATE', 'STATUS'],
      // Every cell is the engine's text: escaped, so a name or image cannot drive the terminal.
      list.map((c) => [c.id.slice(0, 12), c.name, c.image, c.state, c.status].map((v) => safe(v))),
    ),
  );
};

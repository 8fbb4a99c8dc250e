import { formatTable } from '../table';
import { json, type CliCommand } from '../context';

export const ls: CliCommand = async (ctx) => {
  const rt = await ctx.runtime();
  const list = await rt.listContainers({ all: ctx.args.flags.has('all') || ctx.args.flags.has('a') });
  if (json(ctx)) return ctx.out(JSON.stringify(list, null, 2));
  ctx.out(
    formatTable(
      ['CONTAINER ID', 'NAME', 'IMAGE', 'STATE', 'STATUS'],
      list.map((c) => [c.id.slice(0, 12), c.name, c.image, c.state, c.status]),
    ),
  );
};

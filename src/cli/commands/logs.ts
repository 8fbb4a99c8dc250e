import { UsageError } from '../args';
import { operands, type CliCommand } from '../context';

/** stdout to stdout, stderr to stderr; -f follows until Ctrl-C or until the container is removed. */
export const logs: CliCommand = async (ctx) => {
  const [id] = operands(ctx);
  if (!id) throw new UsageError('logs needs a container id or name');
  const n = ctx.args.flags.get('n') ?? ctx.args.flags.get('tail');
  const tail = n === undefined || n === 'all' ? undefined : Number(n);
  if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0)) throw new UsageError('-n takes a whole number');
  const rt = await ctx.runtime();
  const sub = await rt.logs(
    id,
    {
      tail,
      follow: ctx.args.flags.has('f') || ctx.args.flags.has('follow'),
      timestamps: ctx.args.flags.has('timestamps') || ctx.args.flags.has('t'),
    },
    (c) => (c.stream === 'stderr' ? process.stderr : process.stdout).write(c.text),
  );
  const stop = () => sub.close();
  process.once('SIGINT', stop);
  await sub.ended;
  process.removeListener('SIGINT', stop);
};

import { UsageError } from '../args';
import { operands, type CliCommand } from '../context';

/**
 * Runs a command in a container; its exit code becomes cws's. With a terminal on both ends it is
 * interactive (TTY, stdin, resize); otherwise output is captured. The command is passed as an
 * argument array: nothing is interpreted by a shell on either side.
 */
export const exec: CliCommand = async (ctx) => {
  const [id] = operands(ctx);
  const cmd = ctx.args.rest;
  if (!id || !cmd.length) throw new UsageError('usage: cws exec ID -- CMD [ARG...]');
  const rt = await ctx.runtime();
  const workingDir = strFlag(ctx, 'w') ?? strFlag(ctx, 'workdir');
  const user = strFlag(ctx, 'u') ?? strFlag(ctx, 'user');
  if (process.stdin.isTTY && process.stdout.isTTY && !ctx.args.flags.has('no-tty')) {
    const term = await rt.execInteractive(id, { cmd, workingDir, user, cols: process.stdout.columns, rows: process.stdout.rows });
    term.onData((d) => process.stdout.write(d));
    process.stdin.setRawMode(true);
    process.stdin.resume();
    const input = (b: Buffer) => term.write(b);
    const resize = () => void term.resize(process.stdout.columns, process.stdout.rows);
    process.stdin.on('data', input);
    process.stdout.on('resize', resize);
    try {
      ctx.exitCode = await term.exit;
    } finally {
      process.stdin.off('data', input);
      process.stdout.off('resize', resize);
      process.stdin.setRawMode(false);
      process.stdin.pause();
    }
    return;
  }
  const r = await rt.exec(id, { cmd, workingDir, user });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  ctx.exitCode = r.exitCode;
};

function strFlag(ctx: Parameters<typeof exec>[0], name: string): string | undefined {
  const v = ctx.args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

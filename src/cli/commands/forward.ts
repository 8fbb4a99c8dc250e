import { RuntimeError } from '../../core/runtime/errors';
import { findWorkspaceContainer } from '../../core/workspace/find';
import { LABELS } from '../../core/runtime/labels';
import { UsageError } from '../args';
import { folderArg, operands, type CliCommand } from '../context';
import { whileServing } from '../forward';
import { safe } from '../format';

/**
 * `cws forward [DIR] [--forward LIST]`: serves DIR's workspace container what it borrows from this
 * machine (git identity and credentials, SSH and GPG agents) until interrupted — for a shell of
 * one's own (`docker exec`) while VS Code is closed.
 */
export const forward: CliCommand = async (ctx) => {
  const given = operands(ctx);
  if (given.length > 1) throw new UsageError('usage: cws forward [DIR] [--forward LIST]');
  const dir = folderArg(given[0] ?? '.');
  const rt = await ctx.runtime();
  const c = await findWorkspaceContainer(rt, dir);
  if (!c)
    throw new RuntimeError(
      'notFound',
      `${dir} has no workspace container.`,
      `Create it first: cws create ${JSON.stringify(dir)}`,
    );
  if (!c.labels[LABELS.forward])
    throw new RuntimeError(
      'invalidArgument',
      `${c.name} was made without forwarding.`,
      `Make it anew to have it: cws create --rebuild ${JSON.stringify(dir)}`,
    );
  await whileServing(ctx, rt, c, async () => {
    ctx.err(`Serving ${safe(c.name)}; press Ctrl-C to stop.`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });
  ctx.err('Stopped serving.');
};

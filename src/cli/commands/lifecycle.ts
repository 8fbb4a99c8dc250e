import { releaseForwarding } from '../../core/workspace/forwarding';
import { removeRepoVolume, repoVolumeOf } from '../../core/workspace/repoVolume';
import { UsageError } from '../args';
import { operands, type CliCommand, type CliContext } from '../context';
import { safe } from '../format';

function each(verb: string, act: (ctx: CliContext, id: string) => Promise<void>): CliCommand {
  return async (ctx) => {
    const ids = operands(ctx);
    if (!ids.length) throw new UsageError(`${verb} needs at least one container id or name`);
    for (const id of ids) {
      await act(ctx, id);
      ctx.out(safe(id));
    }
  };
}

function seconds(ctx: CliContext): number | undefined {
  const t = ctx.args.flags.get('t') ?? ctx.args.flags.get('time');
  if (t === undefined) return undefined;
  const n = Number(t);
  if (!Number.isInteger(n) || n < 0) throw new UsageError('-t takes a whole number of seconds');
  return n;
}

export const start = each('start', async (ctx, id) => (await ctx.runtime()).start(id));
export const stop = each('stop', async (ctx, id) => (await ctx.runtime()).stop(id, seconds(ctx)));
export const restart = each('restart', async (ctx, id) => (await ctx.runtime()).restart(id, seconds(ctx)));
/**
 * Keeps volumes unless --volumes (anonymous ones then go, as with docker rm -v); a cloned workspace's
 * repository volume, with the clone in it, goes only with --repo-volume. A running container needs
 * --force. A workspace container's forwarding folder goes with it.
 */
export const rm = each('rm', async (ctx, id) => {
  const rt = await ctx.runtime();
  const details = await rt.inspect(id).catch(() => undefined);
  const labels = details?.labels ?? {};
  const volumes = ctx.args.flags.has('volumes') || ctx.args.flags.has('v');
  await rt.remove(id, { force: ctx.args.flags.has('force') || ctx.args.flags.has('f'), volumes });
  await releaseForwarding(labels, undefined);
  const repo = details && repoVolumeOf(details);
  if (!repo) return;
  if (!ctx.args.flags.has('repo-volume')) {
    ctx.err(`the clone stays in volume ${safe(repo)} (cws rm --repo-volume deletes it with the container)`);
    return;
  }
  if ((await removeRepoVolume(rt, repo)) === 'inUse')
    ctx.err(`volume ${safe(repo)} kept: another container still uses it`);
});

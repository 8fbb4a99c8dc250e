import { containersOfImage } from '../../core/inventory/images';
import { executePrune, prunePlan, PRUNE_KINDS, type PruneKind, type PrunePlan } from '../../core/inventory/prune';
import { UsageError } from '../args';
import { json, operands, type CliCommand, type CliContext } from '../context';
import { formatBytes, safe, safeJson } from '../format';
import { formatTable } from '../table';

function kindsOf(ctx: CliContext): PruneKind[] {
  const given = operands(ctx);
  for (const k of given)
    if (!PRUNE_KINDS.includes(k as PruneKind))
      throw new UsageError(`prune takes ${PRUNE_KINDS.join(', ')}; not ${safe(k)}`);
  return given.length ? (given as PruneKind[]) : [...PRUNE_KINDS];
}

function preview(ctx: CliContext, plan: PrunePlan): void {
  if (!plan.items.length) return ctx.out('Nothing to prune.');
  ctx.out(
    formatTable(
      ['KIND', 'NAME', 'SIZE'],
      plan.items.map((i) => [i.kind, i.name, i.bytes === undefined ? '?' : formatBytes(i.bytes)].map((v) => safe(v))),
    ),
  );
  ctx.out(`${plan.items.length} to remove, ${plan.sizesUnknown ? 'at least ' : ''}${formatBytes(plan.bytes)} freed.`);
}

/**
 * `cws prune [containers|images|volumes|networks...] [--all-images] [--all-volumes] [--label L] [--yes]`:
 * without --yes, the preview only (what would go and the space freed); with it, exactly those are
 * removed. Volumes: anonymous ones unless --all-volumes; images: dangling ones unless --all-images.
 */
export const prune: CliCommand = async (ctx) => {
  const kinds = kindsOf(ctx);
  const label = ctx.args.flags.get('label');
  const rt = await ctx.runtime();
  const plan = await prunePlan(rt, {
    kinds,
    allImages: ctx.args.flags.has('all-images'),
    allVolumes: ctx.args.flags.has('all-volumes'),
    ...(typeof label === 'string' ? { label } : {}),
  });
  const yes = ctx.args.flags.has('yes') || ctx.args.flags.has('y');
  if (!yes) {
    if (json(ctx)) return ctx.out(safeJson({ ...plan, removed: [] }));
    preview(ctx, plan);
    if (plan.items.length) ctx.out('Nothing was removed: run again with --yes to remove these.');
    return;
  }
  const r = await executePrune(rt, plan);
  if (json(ctx)) return ctx.out(safeJson({ ...plan, removed: r.removed, kept: r.kept }));
  for (const i of r.removed) ctx.out(`removed ${i.kind.replace(/s$/, '')} ${safe(i.name)}`);
  for (const k of r.kept) ctx.err(`kept ${k.item.kind.replace(/s$/, '')} ${safe(k.item.name)}: ${safe(k.reason)}`);
  const freed = r.removed.reduce((s, i) => s + (i.bytes ?? 0), 0);
  ctx.out(`${r.removed.length} removed, ${formatBytes(freed)} freed.`);
  if (r.kept.length) ctx.exitCode = 1;
};

/** `cws system df [--json]`: what images, containers, volumes and the build cache take, as `docker system df`. */
export const system: CliCommand = async (ctx) => {
  const [verb] = operands(ctx);
  if (verb !== 'df') throw new UsageError('system takes df');
  const rt = await ctx.runtime();
  const [usage, images, containers, volumes] = await Promise.all([
    rt.diskUsage(),
    rt.listImages(),
    rt.listContainers({ all: true }),
    rt.listVolumes().catch(() => []),
  ]);
  const plan = await prunePlan(rt, { kinds: PRUNE_KINDS, allImages: true, allVolumes: true });
  const reclaim = (k: PruneKind) => plan.items.filter((i) => i.kind === k).reduce((s, i) => s + (i.bytes ?? 0), 0);
  const sum = (m: Map<string, number>) => [...m.values()].filter((v) => v > 0).reduce((s, v) => s + v, 0);
  // As `docker system df` counts: every layer once; reclaimable is what no container's image holds.
  const imageBytes = usage.layersSize ?? images.reduce((s, i) => s + i.size, 0);
  const used = images.filter((i) => containersOfImage(i, containers).length).reduce((s, i) => s + i.size, 0);
  const rows = [
    { type: 'Images', total: images.length, size: imageBytes, reclaimable: Math.max(0, imageBytes - used) },
    { type: 'Containers', total: containers.length, size: sum(usage.containers), reclaimable: reclaim('containers') },
    { type: 'Local Volumes', total: volumes.length, size: sum(usage.volumes), reclaimable: reclaim('volumes') },
    ...(usage.buildCache
      ? [
          {
            type: 'Build Cache',
            total: usage.buildCache.entries,
            size: usage.buildCache.size,
            reclaimable: usage.buildCache.reclaimable,
          },
        ]
      : []),
  ];
  if (json(ctx)) return ctx.out(safeJson(rows));
  ctx.out(
    formatTable(
      ['TYPE', 'TOTAL', 'SIZE', 'RECLAIMABLE'],
      rows.map((r) => [r.type, String(r.total), formatBytes(r.size), formatBytes(r.reclaimable)]),
    ),
  );
};

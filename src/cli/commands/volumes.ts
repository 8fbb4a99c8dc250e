import { removeVolumeChecked, namesOf } from '../../core/inventory/remove';
import { volumeInventory } from '../../core/inventory/volumes';
import { UsageError } from '../args';
import { json, operands, type CliCommand, type CliContext } from '../context';
import { safe, safeJson, since } from '../format';
import { formatTable } from '../table';

/** `cws volumes [--json]`: each volume and the containers that mount it. */
async function list(ctx: CliContext): Promise<void> {
  const rt = await ctx.runtime();
  const [volumes, containers] = await Promise.all([rt.listVolumes(), rt.listContainers({ all: true })]);
  const rows = volumeInventory(volumes, containers);
  if (json(ctx))
    return ctx.out(
      safeJson(
        rows.map((r) => ({ ...r.volume, usedBy: r.usedBy.map((c) => ({ id: c.id, name: c.name, state: c.state })) })),
      ),
    );
  ctx.out(
    formatTable(
      ['VOLUME NAME', 'DRIVER', 'CREATED', 'USED BY'],
      rows.map((r) =>
        [r.volume.name, r.volume.driver, since(r.volume.created), r.usedBy.length ? namesOf(r.usedBy) : '-'].map((v) =>
          safe(v),
        ),
      ),
    ),
  );
}

/** `cws volumes [ls]`, `cws volumes rm NAME...` (one a container mounts is refused). */
export const volumes: CliCommand = async (ctx) => {
  const [verb, ...rest] = operands(ctx);
  switch (verb ?? 'ls') {
    case 'ls':
    case 'list':
      return list(ctx);
    case 'rm':
    case 'remove': {
      if (!rest.length) throw new UsageError('volumes rm needs a volume name');
      const rt = await ctx.runtime();
      for (const name of rest) {
        await removeVolumeChecked(rt, name);
        ctx.out(`removed ${safe(name)}`);
      }
      return;
    }
    default:
      throw new UsageError(`volumes has no ${safe(verb)}: ls or rm`);
  }
};

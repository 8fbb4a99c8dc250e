import { imageInventory } from '../../core/inventory/images';
import { namesOf, removeImageChecked } from '../../core/inventory/remove';
import { UsageError } from '../args';
import { json, operands, type CliCommand, type CliContext } from '../context';
import { formatBytes, safe, safeJson, since } from '../format';
import { formatTable } from '../table';

/** `cws images [--json]`: by repository, a row per tag, what uses each; the dangling last. */
async function list(ctx: CliContext): Promise<void> {
  const rt = await ctx.runtime();
  const [images, containers] = await Promise.all([rt.listImages(), rt.listContainers({ all: true })]);
  const inv = imageInventory(images, containers);
  const rows = [...inv.groups.flatMap((g) => g.rows), ...inv.dangling];
  if (json(ctx))
    return ctx.out(
      safeJson(
        rows.map((r) => ({
          repository: r.repository,
          tag: r.tag,
          ref: r.ref,
          id: r.image.id,
          size: r.image.size,
          created: r.image.created,
          dangling: !r.image.tags.length,
          usedBy: r.usedBy.map((c) => ({ id: c.id, name: c.name, state: c.state })),
        })),
      ),
    );
  ctx.out(
    formatTable(
      ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE', 'USED BY'],
      rows.map((r) =>
        [
          r.repository,
          r.tag,
          r.image.id.replace(/^sha256:/, '').slice(0, 12),
          since(r.image.created),
          formatBytes(r.image.size),
          r.usedBy.length ? namesOf(r.usedBy) : '-',
        ].map((v) => safe(v)),
      ),
    ),
  );
}

/**
 * `cws images [ls]`, `cws images rm REF... [--force]` (one a container uses is refused unless
 * --force), `cws images tag SOURCE TARGET`.
 */
export const images: CliCommand = async (ctx) => {
  const [verb, ...rest] = operands(ctx);
  const rt = () => ctx.runtime();
  switch (verb ?? 'ls') {
    case 'ls':
    case 'list':
      return list(ctx);
    case 'rm':
    case 'remove': {
      if (!rest.length) throw new UsageError('images rm needs an image (a reference or id)');
      const r = await rt();
      const force = ctx.args.flags.has('force') || ctx.args.flags.has('f');
      for (const ref of rest) {
        await removeImageChecked(r, ref, { force });
        ctx.out(`removed ${safe(ref)}`);
      }
      return;
    }
    case 'tag': {
      if (rest.length !== 2) throw new UsageError('images tag needs SOURCE and TARGET');
      await (await rt()).tagImage(rest[0], rest[1]);
      ctx.out(`tagged ${safe(rest[0])} as ${safe(rest[1])}`);
      return;
    }
    default:
      throw new UsageError(`images has no ${safe(verb)}: ls, rm or tag`);
  }
};

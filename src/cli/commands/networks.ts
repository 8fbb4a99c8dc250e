import { networkInventory } from '../../core/inventory/networks';
import { namesOf, removeNetworkChecked } from '../../core/inventory/remove';
import { RuntimeError } from '../../core/runtime/errors';
import { UsageError } from '../args';
import { json, operands, type CliCommand, type CliContext } from '../context';
import { safe, safeJson } from '../format';
import { formatTable } from '../table';

/** `cws networks [--json]`: each network, the containers attached, the engine's own marked. */
async function list(ctx: CliContext): Promise<void> {
  const rt = await ctx.runtime();
  const [networks, containers] = await Promise.all([rt.listNetworks(), rt.listContainers({ all: true })]);
  const rows = networkInventory(rt.id, networks, containers);
  if (json(ctx))
    return ctx.out(
      safeJson(
        rows.map((r) => ({
          ...r.network,
          builtIn: r.builtIn,
          attached: r.attached.map((c) => ({ id: c.id, name: c.name, state: c.state })),
        })),
      ),
    );
  ctx.out(
    formatTable(
      ['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE', 'ATTACHED'],
      rows.map((r) =>
        [
          r.network.id.slice(0, 12),
          r.builtIn ? `${r.network.name} (built in)` : r.network.name,
          r.network.driver,
          r.network.scope,
          r.attached.length ? namesOf(r.attached) : '-',
        ].map((v) => safe(v)),
      ),
    ),
  );
}

/** `cws networks [ls]`, `cws networks rm NAME...` (built-in ones and ones in use are refused). */
export const networks: CliCommand = async (ctx) => {
  const [verb, ...rest] = operands(ctx);
  switch (verb ?? 'ls') {
    case 'ls':
    case 'list':
      return list(ctx);
    case 'rm':
    case 'remove': {
      if (!rest.length) throw new UsageError('networks rm needs a network name or id');
      const rt = await ctx.runtime();
      const all = await rt.listNetworks();
      for (const given of rest) {
        const n = all.find((x) => x.name === given || x.id === given || (given.length >= 12 && x.id.startsWith(given)));
        if (!n) throw new RuntimeError('notFound', `No network ${given} on ${rt.label}.`, '`cws networks` lists them.');
        await removeNetworkChecked(rt, n);
        ctx.out(`removed ${safe(n.name)}`);
      }
      return;
    }
    default:
      throw new UsageError(`networks has no ${safe(verb)}: ls or rm`);
  }
};

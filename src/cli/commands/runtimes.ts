import { detectRuntimes, resolveRuntimeId } from '../../core/runtime/select';
import { formatTable } from '../table';
import { json, type CliContext } from '../context';
import { safe, safeJson } from '../format';
import type { SelectionInput } from '../../core/runtime/select';

/** Every runtime's availability, checked in parallel, and which one cws would use. */
export async function runtimes(ctx: CliContext, input: SelectionInput): Promise<void> {
  const [found, active] = await Promise.all([detectRuntimes(input), resolveRuntimeId(input).catch(() => undefined)]);
  if (json(ctx)) {
    return ctx.out(
      safeJson(
        found.map((r) => ({
          id: r.id,
          label: r.label,
          available: r.available,
          active: r.id === active,
          endpoint: r.endpoint,
          version: r.info?.version,
          apiVersion: r.info?.apiVersion,
          capabilities: r.info?.capabilities,
          error: r.error && { code: r.error.code, message: r.error.message, hint: r.error.hint },
        })),
      ),
    );
  }
  ctx.out(
    formatTable(
      ['', 'RUNTIME', 'STATE', 'VERSION', 'ENDPOINT'],
      found.map((r) => [
        r.id === active ? '*' : '',
        r.id,
        r.available ? 'running' : (r.error?.code ?? 'unavailable'),
        safe(r.info?.version ?? ''),
        safe(r.endpoint ?? ''),
      ]),
    ),
  );
}

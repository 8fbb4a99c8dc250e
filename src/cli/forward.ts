/**
 * `--forward`, and serving a workspace container's forwarding for as long as a cws command runs
 * (create's hooks, exec, `cws forward`): this machine's git identity and credentials, SSH agent and
 * GPG agent, as the extension serves them while VS Code is open.
 */
import { ForwardServers } from '../core/forwarding/serve';
import {
  ALL_FORWARDED,
  FORWARD_ITEMS,
  NONE_FORWARDED,
  type ForwardChoice,
  type ForwardItem,
} from '../core/forwarding/types';
import { LABELS } from '../core/runtime/labels';
import type { ContainerRuntime, ContainerSummary } from '../core/runtime/types';
import { reportForwarding, startForwarding, parseForwardLabel } from '../core/workspace/forwarding';
import type { WorkspaceForwarding } from '../core/workspace/types';
import { shown, UsageError } from './args';
import type { CliContext } from './context';
import { safe } from './format';

/** The words --forward takes. */
const WORDS: Record<string, ForwardItem> = {
  'git-identity': 'gitIdentity',
  'git-credentials': 'gitCredentials',
  'ssh-agent': 'sshAgent',
  gpg: 'gpg',
};

/** `--forward all|none|git-identity,git-credentials,ssh-agent,gpg` (default all). */
export function forwardChoice(ctx: CliContext): ForwardChoice {
  const v = ctx.args.flags.get('forward');
  if (v === undefined || v === 'all') return ALL_FORWARDED;
  if (v === true) throw new UsageError('--forward needs a value (all, none, or a list)');
  if (v === 'none') return NONE_FORWARDED;
  const on = new Set<ForwardItem>();
  for (const w of v.split(',').map((x) => x.trim())) {
    const item = WORDS[w];
    if (!item)
      throw new UsageError(`--forward takes all, none or ${Object.keys(WORDS).join(', ')} (not "${shown(w)}")`);
    on.add(item);
  }
  return Object.fromEntries(FORWARD_ITEMS.map((i) => [i, on.has(i)])) as unknown as ForwardChoice;
}

/** The forwarding of a create, served by this process until `close`. */
export function cliForwarding(ctx: CliContext): WorkspaceForwarding & { close(): Promise<void> } {
  const servers = new ForwardServers();
  return { choice: forwardChoice(ctx), servers, close: () => servers.closeAll() };
}

/**
 * Serves a container's forwarding while `work` runs (a container made without it: nothing); what
 * this machine lacks is said on stderr.
 */
export async function whileServing<T>(
  ctx: CliContext,
  rt: ContainerRuntime,
  c: Pick<ContainerSummary, 'id' | 'labels'>,
  work: () => Promise<T>,
  o: { quiet?: boolean } = {},
): Promise<T> {
  const state = parseForwardLabel(c.labels[LABELS.forward]);
  const folder = c.labels[LABELS.workspace];
  if (!state || !folder) return work();
  const f = cliForwarding(ctx);
  try {
    const r = await startForwarding(
      rt,
      { id: c.id, labels: c.labels, workspaceFolder: c.labels[LABELS.workspaceTarget] ?? '/', folder },
      f,
      { configure: false },
    );
    if (!o.quiet) reportForwarding(r, state, (p) => ctx.err(safe(p.message)));
    else for (const n of r.notes) ctx.err(`Note: ${safe(n)}`);
    return await work();
  } finally {
    await f.close();
  }
}

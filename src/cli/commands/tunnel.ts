import { LABELS } from '../../core/runtime/labels';
import {
  followTunnel,
  startTunnel,
  stopTunnel,
  tunnelStatus,
  type TunnelEvent,
  type TunnelStatus,
} from '../../core/tunnels';
import { UsageError } from '../args';
import { json, operands, type CliCommand, type CliContext } from '../context';
import { safe, safeJson } from '../format';

const USAGE =
  'usage: cws tunnel start ID [--name=NAME] [-u USER] [-w DIR] | cws tunnel status ID [--json] | cws tunnel stop ID';
/** How long `start` waits for the address before leaving the tunnel to itself. */
const START_WAIT_MS = 60_000;
/** Output lines kept to explain a tunnel that ended. */
const LAST_LINES = 10;

/**
 * `cws tunnel start|status|stop ID`: a VS Code tunnel (`code tunnel`) inside a container. start
 * prints the login code and the address as they come (until the address, or 60 s; Ctrl-C leaves
 * the tunnel running), status reads it back, stop stops it.
 */
export const tunnel: CliCommand = async (ctx) => {
  const [sub, id, ...extra] = operands(ctx);
  if (!sub || !id || extra.length) throw new UsageError(USAGE);
  switch (sub) {
    case 'start':
      return start(ctx, id);
    case 'status':
      return status(ctx, id);
    case 'stop':
      return stop(ctx, id);
    default:
      throw new UsageError(`unknown tunnel command "${sub}"; ${USAGE}`);
  }
};

function strFlag(ctx: CliContext, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = ctx.args.flags.get(n);
    if (v === true) throw new UsageError(`--${n} needs a value (--${n}=VALUE)`);
    if (v !== undefined) return v;
  }
  return undefined;
}

async function start(ctx: CliContext, id: string): Promise<void> {
  const rt = await ctx.runtime();
  let name = strFlag(ctx, 'name');
  let workingDir = strFlag(ctx, 'w', 'workdir');
  const user = strFlag(ctx, 'u', 'user');
  if (name === undefined || workingDir === undefined) {
    const c = await rt.inspect(id);
    name ??= c.name;
    // The workspace folder, when the container was made for one: the address opens it.
    workingDir ??= c.labels[LABELS.workspaceTarget] || undefined;
  }
  const asJson = json(ctx);
  const started = await startTunnel(rt, id, { name, user, workingDir });
  if (asJson) ctx.out(safeJson({ kind: 'started', ...started }, undefined));
  else
    ctx.out(
      safe(`Tunnel ${started.name} started in ${id} (pid ${started.pid ?? '?'}); `) +
        'waiting for its login prompt and address…',
    );

  const { onEvent, outcome, finished } = printEvents(ctx, asJson);
  const follow = await followTunnel(rt, id, onEvent);
  const timer = setTimeout(() => finished('timeout'), START_WAIT_MS);
  const interrupt = () => finished('interrupted');
  process.once('SIGINT', interrupt);
  try {
    const why = await outcome;
    if (why === 'ended') ctx.exitCode = 1;
    else if (!asJson && why === 'timeout')
      ctx.out(`Still waiting; the tunnel keeps running. \`cws tunnel status ${id}\` shows its login code and address.`);
    else if (!asJson && why === 'interrupted') ctx.out(`The tunnel keeps running; \`cws tunnel stop ${id}\` stops it.`);
  } finally {
    clearTimeout(timer);
    process.removeListener('SIGINT', interrupt);
    follow.close();
    await follow.ended;
  }
}

type StartOutcome = 'ready' | 'ended' | 'timeout' | 'interrupted';

/**
 * Prints a started tunnel's events (JSON lines with --json, else the login prompt, the address, and
 * the last output lines when it ends); `outcome` resolves at the address or the end, or when
 * `finished` is called.
 */
function printEvents(
  ctx: CliContext,
  asJson: boolean,
): { onEvent: (e: TunnelEvent) => void; outcome: Promise<StartOutcome>; finished: (why: StartOutcome) => void } {
  const last: string[] = [];
  let finished: (why: StartOutcome) => void = () => undefined;
  const outcome = new Promise<StartOutcome>((r) => {
    finished = r;
  });
  const onEvent = (e: TunnelEvent) => {
    if (asJson && e.kind !== 'output') ctx.out(safeJson(e, undefined));
    switch (e.kind) {
      case 'output':
        last.push(e.line);
        if (last.length > LAST_LINES) last.shift();
        break;
      case 'login':
        if (!asJson) ctx.out(safe(`Log in at ${e.url} with the code ${e.code}`));
        break;
      case 'ready':
        if (!asJson) ctx.out(safe(`Tunnel ready: ${e.url}`));
        finished('ready');
        break;
      case 'ended':
        if (!asJson) {
          const exit = e.exitCode === undefined ? '' : ` (exit ${e.exitCode})`;
          ctx.err(`The tunnel ended${exit}. Its last output:\n${last.map((l) => `  ${safe(l)}`).join('\n')}`);
        }
        finished('ended');
        break;
    }
  };
  return { onEvent, outcome, finished };
}

async function status(ctx: CliContext, id: string): Promise<void> {
  const s = await tunnelStatus(await ctx.runtime(), id);
  if (json(ctx)) {
    ctx.out(safeJson(s, undefined));
    return;
  }
  ctx.out(describe(s, id).map(safe).join('\n'));
}

export function describe(s: TunnelStatus, id: string): string[] {
  if (!s.running) {
    const ended = s.name
      ? `; the last one (${s.name}) ended${s.exitCode === undefined ? '' : ` with exit ${s.exitCode}`}`
      : '';
    return [`No tunnel is running in ${id}${ended}.`];
  }
  const rows: [string, string][] = [['tunnel', `${s.name ?? '?'} (pid ${s.pid ?? '?'})`]];
  if (s.login) rows.push(['login', `${s.login.url} with the code ${s.login.code}`]);
  rows.push(['address', s.url ?? (s.login ? 'once logged in' : 'not printed yet')]);
  return rows.map(([k, v]) => `${k.padEnd(8)} ${v}`);
}

async function stop(ctx: CliContext, id: string): Promise<void> {
  const rt = await ctx.runtime();
  const before = await tunnelStatus(rt, id);
  await stopTunnel(rt, id);
  if (json(ctx)) ctx.out(safeJson({ stopped: before.running, name: before.name }, undefined));
  else
    ctx.out(
      safe(before.running ? `Stopped tunnel ${before.name ?? '?'} in ${id}.` : `No tunnel was running in ${id}.`),
    );
}

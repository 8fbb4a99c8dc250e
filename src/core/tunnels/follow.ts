import { RuntimeError } from '../runtime/errors';
import type { ContainerRuntime, Subscription } from '../runtime/types';
import { runScript } from './exec';
import { parseTunnelLine, type TunnelEvent } from './parse';
import { FOLLOW } from './scripts';

export interface FollowOptions {
  /** How often the log is read (default 1000 ms). */
  intervalMs?: number;
}

interface Poll {
  pid?: string;
  alive: boolean;
  exitCode?: number;
  /** Complete lines from the requested one on (and, once the tunnel is gone, the unterminated rest). */
  lines: string[];
}

/** Failed reads in a row after which following gives up (the engine went away). */
const MAX_FAILURES = 3;

/**
 * Follows the tunnel's log from its first line, delivering events (so a login prompt or an address
 * printed before the call is replayed), until closed or until the tunnel ends: then an `ended`
 * event comes last and the subscription ends by itself. The log is read with a short exec about
 * once a second: no process is left behind in the container, whatever happens to this one.
 * Throws RuntimeError 'notFound' when no tunnel was ever started in the container.
 */
export async function followTunnel(
  rt: ContainerRuntime,
  id: string,
  onEvent: (e: TunnelEvent) => void,
  o: FollowOptions = {},
): Promise<Subscription> {
  const interval = o.intervalMs ?? 1000;
  const abort = new AbortController();
  let resolveEnded!: () => void;
  const ended = new Promise<void>((r) => {
    resolveEnded = r;
  });
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let next = 1;
  let failures = 0;

  const finish = (last?: TunnelEvent) => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    abort.abort();
    if (last) onEvent(last);
    resolveEnded();
  };

  const read = async (): Promise<Poll | undefined> => {
    const r = await runScript(rt, id, FOLLOW, [String(next)], { signal: abort.signal });
    if (r.exitCode !== 0)
      throw new RuntimeError('internal', `Cannot read the tunnel's log in container ${id} (exit ${r.exitCode}).`);
    return parsePoll(r.stdout);
  };

  /** The tunnel followed: the pid of the first read. */
  let pid: string | undefined;
  /** Delivers a read; false when the tunnel has ended (or another one replaced it). */
  const deliver = (p: Poll): boolean => {
    if (pid !== undefined && p.pid !== undefined && p.pid !== pid) {
      finish({ kind: 'ended' }); // restarted: the log is the new tunnel's
      return false;
    }
    for (const line of p.lines) {
      next++;
      for (const e of parseTunnelLine(line)) {
        if (done) return false;
        onEvent(e);
      }
    }
    if (!p.alive || p.pid === undefined) {
      finish({ kind: 'ended', exitCode: p.exitCode });
      return false;
    }
    return true;
  };

  const first = await read();
  if (!first) throw new RuntimeError('notFound', `No tunnel has been started in container ${id}.`, 'Start one first.');
  pid = first.pid;

  const tick = async () => {
    timer = undefined;
    if (done) return;
    try {
      const p = await read();
      failures = 0;
      if (done) return;
      if (!p) {
        finish({ kind: 'ended' });
        return;
      }
      if (!deliver(p)) return;
    } catch (err) {
      if (done) return;
      const code = err instanceof RuntimeError ? err.code : undefined;
      // The container is gone or stopped: so is the tunnel.
      if (code === 'notFound' || code === 'conflict') {
        finish({ kind: 'ended' });
        return;
      }
      if (++failures >= MAX_FAILURES) {
        finish();
        return;
      }
    }
    if (!done) timer = setTimeout(() => void tick(), interval);
  };

  const sub: Subscription = { close: () => finish(), ended };
  // The first read's events come once the caller holds the subscription (so onEvent may close it).
  setImmediate(() => {
    if (done) return;
    if (deliver(first)) timer = setTimeout(() => void tick(), interval);
  });
  return sub;
}

/** "state PID ALIVE EXIT\n" + log lines, or "none". */
export function parsePoll(stdout: string): Poll | undefined {
  const nl = stdout.indexOf('\n');
  const head = (nl < 0 ? stdout : stdout.slice(0, nl)).trim().split(/\s+/);
  if (head[0] !== 'state') return undefined;
  const alive = head[2] === '1';
  const body = nl < 0 ? '' : stdout.slice(nl + 1);
  const parts = body.split('\n');
  const rest = parts.pop() ?? '';
  // While it runs, an unterminated last line may still be being written: it is read again next time.
  if (!alive && rest) parts.push(rest);
  return {
    pid: head[1] && head[1] !== '-' ? head[1] : undefined,
    alive,
    exitCode: head[3] && /^\d+$/.test(head[3]) ? Number(head[3]) : undefined,
    lines: parts,
  };
}

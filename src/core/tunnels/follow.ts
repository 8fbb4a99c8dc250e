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
  const follower = new TunnelFollower(rt, id, onEvent, o.intervalMs ?? 1000);
  const first = await follower.read();
  if (!first) throw new RuntimeError('notFound', `No tunnel has been started in container ${id}.`, 'Start one first.');
  return follower.start(first);
}

/** One follow of a tunnel's log: how far it has read, which tunnel (pid) it follows, its timer. */
class TunnelFollower {
  private readonly abort = new AbortController();
  private resolveEnded!: () => void;
  readonly ended = new Promise<void>((r) => {
    this.resolveEnded = r;
  });
  private done = false;
  private timer: NodeJS.Timeout | undefined;
  /** The first log line not yet delivered (1-based). */
  private next = 1;
  private failures = 0;
  /** The tunnel followed: the pid of the first read. */
  private pid: string | undefined;

  constructor(
    private readonly rt: ContainerRuntime,
    private readonly id: string,
    private readonly onEvent: (e: TunnelEvent) => void,
    private readonly interval: number,
  ) {}

  /**
   * Follows on from the first read. Its events come on the next turn, once the caller holds the
   * subscription (so onEvent may close it).
   */
  start(first: Poll): Subscription {
    this.pid = first.pid;
    const sub: Subscription = { close: () => this.finish(), ended: this.ended };
    setImmediate(() => {
      if (this.done) return;
      if (this.deliver(first)) this.schedule();
    });
    return sub;
  }

  /** The log from line `next` on; undefined when no tunnel was ever started. */
  async read(): Promise<Poll | undefined> {
    const r = await runScript(this.rt, this.id, FOLLOW, [String(this.next)], { signal: this.abort.signal });
    if (r.exitCode !== 0)
      throw new RuntimeError('internal', `Cannot read the tunnel's log in container ${this.id} (exit ${r.exitCode}).`);
    return parsePoll(r.stdout);
  }

  private finish(last?: TunnelEvent): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    if (last) this.onEvent(last);
    this.resolveEnded();
  }

  /** Delivers a read; false when the tunnel has ended (or another one replaced it). */
  private deliver(p: Poll): boolean {
    if (this.pid !== undefined && p.pid !== undefined && p.pid !== this.pid) {
      this.finish({ kind: 'ended' }); // restarted: the log is the new tunnel's
      return false;
    }
    for (const line of p.lines) {
      this.next++;
      for (const e of parseTunnelLine(line)) {
        if (this.done) return false;
        this.onEvent(e);
      }
    }
    if (!p.alive || p.pid === undefined) {
      this.finish({ kind: 'ended', exitCode: p.exitCode });
      return false;
    }
    return true;
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.tick(), this.interval);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.done) return;
    try {
      const p = await this.read();
      this.failures = 0;
      if (this.done) return;
      if (!p) {
        this.finish({ kind: 'ended' });
        return;
      }
      if (!this.deliver(p)) return;
    } catch (err) {
      if (this.done) return;
      const code = err instanceof RuntimeError ? err.code : undefined;
      // The container is gone or stopped: so is the tunnel.
      if (code === 'notFound' || code === 'conflict') {
        this.finish({ kind: 'ended' });
        return;
      }
      if (++this.failures >= MAX_FAILURES) {
        this.finish();
        return;
      }
    }
    if (!this.done) this.schedule();
  }
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

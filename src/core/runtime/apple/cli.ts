/**
 * Runs Apple's `container` CLI: always an argument array (never a shell), always with a time-out and
 * an AbortSignal, and every child tracked so the runtime's close() can end it and wait for it.
 *
 * Each child gets its own process group (detached): when the CLI has to go, so does anything it
 * started that shares its output pipes. A call settles once the CLI has exited and its pipes have
 * closed; a pipe still held open a moment after the exit (a grandchild inherited it) gets the group
 * killed, and if even that does not close it the pipes are destroyed — a call never waits forever.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { escapeControl } from '../../text/escapeControl';
import { RuntimeError } from '../errors';
import { fromCliFailure, fromSpawnError } from './errors';

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /**
   * Date.now() when the first stdout bytes arrived: when the CLI wrote its answer, which is when a
   * snapshot (`stats`) was taken. Closer to it than the exit, which a loaded machine can delay.
   */
  stdoutAt?: number;
}

export interface CliRunOptions {
  signal?: AbortSignal;
  /** Give up (and kill the child) after this long; defaults to the CLI's short-call time-out. */
  timeoutMs?: number;
  /** Resolve with a non-zero exit code instead of throwing. */
  allowFailure?: boolean;
  /** Called with each complete output line as it arrives (progress of pull / build). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** For messages: "start web". */
  what?: string;
}

export interface CliStreamOptions {
  signal?: AbortSignal;
  /** Pipe stdin (interactive exec). */
  stdin?: boolean;
}

/** Grace between SIGTERM and SIGKILL when a child has to go. */
const KILL_GRACE_MS = 1_000;
/** How long after the CLI's exit its pipes may stay open before the group is killed… */
const STDIO_GRACE_MS = 500;
/** …and how long after that before the pipes are destroyed (held by something outside the group). */
const STDIO_GIVE_UP_MS = 1_000;
/** Output kept per stream of a call: ls / inspect of hundreds of containers is well below it. */
export const MAX_OUTPUT_BYTES = 8 << 20;

/** Children that have exited with every pipe closed. */
const finished = new WeakSet<ChildProcess>();

/** Signals the child's process group (it leads one: spawned detached), else the child alone. */
function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      // gone
    }
  }
}

/**
 * Hard-stops a child and its process group: SIGTERM, then SIGKILL if the child has not exited with
 * its pipes closed after a grace period.
 */
export function terminate(child: ChildProcess): void {
  if (finished.has(child)) return;
  killGroup(child, 'SIGTERM');
  const t = setTimeout(() => {
    if (!finished.has(child)) killGroup(child, 'SIGKILL');
  }, KILL_GRACE_MS);
  t.unref();
  child.once('close', () => clearTimeout(t));
}

/** Splits text chunks into lines, keeping a partial last line until more arrives. */
class LineBuffer {
  private pending = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(text: string): void {
    this.pending += text;
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      this.pending = this.pending.slice(nl + 1);
      this.onLine(line);
    }
  }
  end(): void {
    if (this.pending) this.onLine(this.pending.replace(/\r$/, ''));
    this.pending = '';
  }
}

const closedError = () => new RuntimeError('internal', 'The Apple Containers runtime was closed.');
const cancelledError = () => new RuntimeError('cancelled', 'The request was cancelled.');
const mib = (bytes: number) => Math.round(bytes / (1 << 20));

/**
 * A child's output, kept and, with onLine, passed on line by line as it arrives. More than
 * MAX_OUTPUT_BYTES on a stream calls `tooMuch` once and keeps nothing more: an answer cut short
 * would only fail to parse later with a worse message. With onLine (progress of a long pull or
 * build) the lines are what matters: only the last part is kept, for the error message.
 */
function collectOutput(
  child: ChildProcess,
  onLine: CliRunOptions['onLine'],
  tooMuch: () => void,
): { stdout: string; stderr: string; stdoutAt?: number } {
  const out: { stdout: string; stderr: string; stdoutAt?: number } = { stdout: '', stderr: '' };
  let over = false;
  for (const stream of ['stdout', 'stderr'] as const) {
    const decoder = new StringDecoder('utf8');
    const lines = onLine ? new LineBuffer((l) => onLine(l, stream)) : undefined;
    let bytes = 0;
    const src = child[stream]!;
    src.on('data', (b: Buffer) => {
      if (stream === 'stdout') out.stdoutAt ??= Date.now();
      if (over) return;
      bytes += b.length;
      if (bytes > MAX_OUTPUT_BYTES && !lines) {
        over = true;
        tooMuch();
        return;
      }
      const text = decoder.write(b);
      out[stream] += text;
      if (out[stream].length > MAX_OUTPUT_BYTES) out[stream] = out[stream].slice(-(MAX_OUTPUT_BYTES >> 1));
      lines?.push(text);
    });
    src.on('end', () => {
      if (over) return;
      const rest = decoder.end();
      out[stream] += rest;
      lines?.push(rest);
      lines?.end();
    });
  }
  return out;
}

export class AppleCli {
  /** Every child started and not yet finished, with a promise of its end. */
  private readonly children = new Map<ChildProcess, Promise<void>>();
  private closed = false;

  constructor(
    readonly path: string,
    /** Time-out of short calls (ls, inspect, start, …). */
    readonly timeoutMs: number,
    /** Extra environment for the CLI (tests). */
    private readonly env?: Record<string, string>,
  ) {}

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }

  /** Children not yet finished (exited with their pipes closed). */
  get running(): number {
    return this.children.size;
  }

  private start(args: string[], stdin: boolean): ChildProcess {
    this.assertOpen();
    let child: ChildProcess;
    try {
      child = spawn(this.path, args, {
        stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
        env: this.env ? { ...process.env, ...this.env } : process.env,
        shell: false,
        windowsHide: true,
        detached: true, // its own process group, killed as one
      });
    } catch (err) {
      // Node refuses some arguments outright (a NUL byte in a value): a clear error, not a TypeError.
      const why = escapeControl(String((err as Error)?.message ?? err), { maxLength: 200 });
      throw new RuntimeError(
        'invalidArgument',
        `Cannot run Apple's container CLI (${args[0] ?? ''}): ${why}`,
        undefined,
        {
          cause: err,
        },
      );
    }
    const done = new Promise<void>((resolve) => {
      const end = () => {
        finished.add(child);
        this.children.delete(child);
        resolve();
      };
      child.once('close', end);
      child.once('error', () => {
        // spawn failed: 'close' follows, unless there never was a process
        if (child.pid === undefined) setImmediate(end);
      });
    });
    this.children.set(child, done);
    child.once('exit', () => this.drainAfterExit(child));
    return child;
  }

  /**
   * The CLI has exited; its pipes normally close at once. One still open after STDIO_GRACE_MS is held
   * by something it started: the group is killed, and the pipes destroyed if even that did not help.
   */
  private drainAfterExit(child: ChildProcess): void {
    const streams = [child.stdin, child.stdout, child.stderr];
    const first = setTimeout(() => {
      if (finished.has(child)) return;
      killGroup(child, 'SIGKILL');
      const second = setTimeout(() => {
        if (finished.has(child)) return;
        for (const s of streams) s?.destroy();
      }, STDIO_GIVE_UP_MS);
      child.once('close', () => clearTimeout(second));
    }, STDIO_GRACE_MS);
    child.once('close', () => clearTimeout(first));
  }

  /** Runs one command to its end; a non-zero exit becomes a RuntimeError unless allowFailure. */
  run(args: string[], o: CliRunOptions = {}): Promise<CliResult> {
    return new Promise<CliResult>((resolve, reject) => {
      if (this.closed) {
        reject(closedError());
        return;
      }
      if (o.signal?.aborted) {
        reject(cancelledError());
        return;
      }
      let child: ChildProcess;
      try {
        child = this.start(args, false);
      } catch (err) {
        reject(err instanceof Error ? err : new RuntimeError('internal', String(err)));
        return;
      }
      const what = o.what ?? args.slice(0, 2).join(' ');
      const guard = this.guard(child, what, o);
      const out = collectOutput(child, o.onLine, () =>
        guard.stop(
          new RuntimeError(
            'internal',
            `Apple's container CLI answered \`container ${what}\` with more than ${mib(MAX_OUTPUT_BYTES)} MiB; ` +
              'it was stopped.',
          ),
        ),
      );
      let settled = false;
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        guard.finish();
        reject(guard.outcome() ?? fromSpawnError(err, this.path));
      });
      child.once('close', (code, sig) => {
        if (settled) return;
        settled = true;
        guard.finish();
        const outcome = guard.outcome() ?? (sig && this.closed ? closedError() : undefined);
        if (outcome) {
          reject(outcome);
          return;
        }
        const result = { ...out, exitCode: code ?? (sig ? 128 : -1) };
        if (result.exitCode !== 0 && !o.allowFailure) reject(fromCliFailure(result, what));
        else resolve(result);
      });
    });
  }

  /**
   * Ends the child when it takes longer than the time-out or the signal aborts; `outcome` is why it
   * was ended, if it was. `finish` (once the child is done) clears the timer and the listener.
   */
  private guard(
    child: ChildProcess,
    what: string,
    o: CliRunOptions,
  ): { outcome: () => RuntimeError | undefined; stop: (err: RuntimeError) => void; finish: () => void } {
    const timeoutMs = o.timeoutMs ?? this.timeoutMs;
    let outcome: RuntimeError | undefined;
    const stop = (err: RuntimeError) => {
      outcome ??= err;
      terminate(child);
    };
    const timer = setTimeout(
      () =>
        stop(
          new RuntimeError(
            'timeout',
            "Apple's container CLI did not answer in time " +
              `(\`container ${what}\` took more than ${Math.round(timeoutMs / 100) / 10} s).`,
            'Check that the container service responds: `container system status`.',
          ),
        ),
      timeoutMs,
    );
    const onAbort = () => stop(this.closed ? closedError() : cancelledError());
    o.signal?.addEventListener('abort', onAbort, { once: true });
    return {
      outcome: () => outcome,
      stop,
      finish: () => {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
      },
    };
  }

  /**
   * Starts a long-running command (logs -f, exec -i -t) and hands back the child; it is killed on
   * abort and by close(). The caller reads its output.
   */
  stream(args: string[], o: CliStreamOptions = {}): ChildProcess {
    this.assertOpen();
    if (o.signal?.aborted) throw cancelledError();
    const child = this.start(args, o.stdin ?? false);
    if (o.signal) {
      const onAbort = () => terminate(child);
      o.signal.addEventListener('abort', onAbort, { once: true });
      child.once('close', () => o.signal!.removeEventListener('abort', onAbort));
    }
    return child;
  }

  /**
   * Kills every child this CLI started (and their process groups); later calls fail. Resolves once
   * every one has exited with its pipes closed, so nothing it started still writes anywhere.
   */
  close(): Promise<void> {
    this.closed = true;
    for (const c of this.children.keys()) terminate(c);
    return Promise.all(this.children.values()).then(() => undefined);
  }
}

/**
 * Runs Apple's `container` CLI: always an argument array (never a shell), always with a time-out and
 * an AbortSignal, and every child tracked so the runtime's close() can end it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { RuntimeError } from '../errors';
import { fromCliFailure, fromSpawnError } from './errors';

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
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
const MAX_OUTPUT = 32 << 20;

/** Hard-stops a child: SIGTERM, then SIGKILL if it is still there after a grace period. */
export function terminate(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, KILL_GRACE_MS);
  t.unref();
  child.once('exit', () => clearTimeout(t));
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

/**
 * A child's output, kept (up to MAX_OUTPUT a stream) and, with onLine, passed on line by line as it
 * arrives. Complete once both streams have ended.
 */
function collectOutput(child: ChildProcess, onLine: CliRunOptions['onLine']): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const) {
    const decoder = new StringDecoder('utf8');
    const lines = onLine ? new LineBuffer((l) => onLine(l, stream)) : undefined;
    const src = child[stream]!;
    src.on('data', (b: Buffer) => {
      const text = decoder.write(b);
      if (out[stream].length < MAX_OUTPUT) out[stream] += text;
      lines?.push(text);
    });
    src.on('end', () => {
      const rest = decoder.end();
      out[stream] += rest;
      lines?.push(rest);
      lines?.end();
    });
  }
  return out;
}

export class AppleCli {
  private readonly children = new Set<ChildProcess>();
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

  private start(args: string[], stdin: boolean): ChildProcess {
    this.assertOpen();
    const child = spawn(this.path, args, {
      stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: this.env ? { ...process.env, ...this.env } : process.env,
      shell: false,
      windowsHide: true,
    });
    this.children.add(child);
    child.once('close', () => this.children.delete(child));
    child.once('error', () => this.children.delete(child));
    return child;
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
      const out = collectOutput(child, o.onLine);
      child.once('error', (err: NodeJS.ErrnoException) => {
        guard.finish();
        reject(guard.outcome() ?? fromSpawnError(err, this.path));
      });
      child.once('close', (code, sig) => {
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
  ): { outcome: () => RuntimeError | undefined; finish: () => void } {
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

  /** Kills every child this CLI started; later calls fail. */
  close(): void {
    this.closed = true;
    for (const c of [...this.children]) terminate(c);
  }
}

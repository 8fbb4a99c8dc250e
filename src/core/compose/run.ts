/**
 * Runs a Compose invocation: an argument array (never a shell), its output streamed as lines with
 * stdout and stderr kept apart, and an AbortSignal that ends it (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { RuntimeError } from '../runtime/errors';

export interface ComposeInvocation {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface ComposeRunResult {
  /** The tool's exit code; 128 + the signal number when it was ended by a signal. */
  exitCode: number;
  /** The run was ended (or never started) because the signal was aborted. */
  aborted: boolean;
}

export interface ComposeRunOptions {
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
}

/** Grace between SIGTERM and SIGKILL: `up` in the foreground stops its containers on SIGTERM. */
export const KILL_GRACE_MS = 3_000;

/**
 * Splits decoded text into lines. "\n" and "\r\n" end a line; a lone "\r" (a progress line being
 * redrawn) ends one too, without making empty lines of its own. A partial last line waits for
 * more text, or for end().
 */
export class LineSplitter {
  private pending = '';
  /** The last line ended with a lone "\r": an empty line right after it is not a line. */
  private afterCr = false;

  constructor(private readonly onLine: (line: string) => void) {}

  push(text: string): void {
    this.pending += text;
    let start = 0;
    for (;;) {
      const nl = this.pending.indexOf('\n', start);
      const cr = this.pending.indexOf('\r', start);
      if (nl < 0 && cr < 0) break;
      if (cr >= 0 && (nl < 0 || cr < nl)) {
        if (cr === this.pending.length - 1) break; // a "\n" may follow in the next chunk
        const crlf = this.pending[cr + 1] === '\n';
        this.emit(this.pending.slice(start, cr), !crlf);
        start = cr + (crlf ? 2 : 1);
      } else {
        this.emit(this.pending.slice(start, nl), false);
        start = nl + 1;
      }
    }
    this.pending = this.pending.slice(start);
  }

  end(): void {
    const rest = this.pending.replace(/\r$/, '');
    this.pending = '';
    if (rest) this.emit(rest, false);
    this.afterCr = false;
  }

  private emit(line: string, loneCr: boolean): void {
    const skip = line === '' && (loneCr || this.afterCr);
    this.afterCr = loneCr;
    if (!skip) this.onLine(line);
  }
}

function signalExitCode(sig: NodeJS.Signals | null): number {
  const n = sig ? (constants.signals as Record<string, number | undefined>)[sig] : undefined;
  return 128 + (n ?? 0);
}

/** Sends a signal to the child and, on POSIX, to its process group (plugins run as grandchildren). */
function signalTree(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid !== undefined && process.platform !== 'win32') {
    try {
      process.kill(-child.pid, sig);
      return;
    } catch {
      // the group is gone, or was never made: fall through to the child itself
    }
  }
  try {
    child.kill(sig);
  } catch {
    // already gone
  }
}

function spawnError(err: NodeJS.ErrnoException, inv: ComposeInvocation): RuntimeError {
  if (err.code === 'ENOENT' && !existsSync(inv.cwd)) {
    return new RuntimeError('invalidArgument', `The Compose project folder does not exist: ${inv.cwd}`, undefined, {
      cause: err,
    });
  }
  const why = err.code ?? err.message;
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    return new RuntimeError(
      'permission',
      `Could not start the Compose tool ${inv.command} (${why}).`,
      'Check that the file is executable by you.',
      { cause: err },
    );
  }
  return new RuntimeError(
    err.code === 'ENOENT' ? 'notFound' : 'internal',
    `Could not start the Compose tool ${inv.command} (${why}).`,
    'Check that it is installed and on PATH, then look for the Compose tool again.',
    { cause: err },
  );
}

/**
 * Spawns the invocation and resolves with its exit code once its output has ended. Aborting the
 * signal ends the tool (SIGTERM, then SIGKILL after KILL_GRACE_MS) and resolves with aborted: true.
 * Failing to start it at all rejects with a RuntimeError naming the tool.
 */
export function runCompose(inv: ComposeInvocation, o: ComposeRunOptions = {}): Promise<ComposeRunResult> {
  return new Promise<ComposeRunResult>((resolve, reject) => {
    if (o.signal?.aborted) {
      resolve({ exitCode: signalExitCode('SIGTERM'), aborted: true });
      return;
    }
    let child: ChildProcess;
    try {
      child = spawnPiped(inv.command, inv.args, inv.env, inv.cwd);
    } catch (err) {
      reject(spawnError(err as NodeJS.ErrnoException, inv));
      return;
    }

    let settled = false;
    const abort = endOnAbort(child, o.signal);
    const finish = () => {
      settled = true;
      abort.closed();
    };
    emitLines(child, o);

    child.once('error', (err: NodeJS.ErrnoException) => {
      // Once it has started (it has a pid), an error (a failed kill) still ends in 'close'.
      if (settled || child.pid !== undefined) return;
      finish();
      reject(spawnError(err, inv));
    });
    child.once('close', (code, sig) => {
      if (settled) return;
      finish();
      resolve({ exitCode: code ?? signalExitCode(sig), aborted: abort.aborted() });
    });
  });
}

/** Spawns a command without a shell, stdout and stderr piped; throws when it cannot be spawned at all. */
function spawnPiped(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): ChildProcess {
  return spawn(command, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: false,
    windowsHide: true,
    // Its own process group on POSIX, so that an abort reaches `docker compose`'s plugin too.
    detached: process.platform !== 'win32',
  });
}

/**
 * Ends the child when the signal aborts: SIGTERM to its process tree, then SIGKILL after
 * KILL_GRACE_MS unless `closed()` was called first (which also stops listening to the signal).
 */
function endOnAbort(
  child: ChildProcess,
  signal: AbortSignal | undefined,
): { aborted: () => boolean; closed: () => void } {
  let closed = false;
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    if (closed) return;
    aborted = true;
    signalTree(child, 'SIGTERM');
    killTimer = setTimeout(() => {
      if (!closed) signalTree(child, 'SIGKILL');
    }, KILL_GRACE_MS);
    killTimer.unref();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    aborted: () => aborted,
    closed: () => {
      closed = true;
      if (killTimer) clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** The child's stdout and stderr to o.onLine as lines (UTF-8, split by LineSplitter), each with its stream. */
function emitLines(child: ChildProcess, o: ComposeRunOptions): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    const src = child[stream]!;
    const decoder = new StringDecoder('utf8');
    const lines = new LineSplitter((l) => o.onLine?.(l, stream));
    src.on('data', (b: Buffer) => lines.push(decoder.write(b)));
    src.on('end', () => {
      lines.push(decoder.end());
      lines.end();
    });
  }
}

export interface ProbeResult {
  /** Exit code; undefined when it could not be started, timed out or was aborted. */
  exitCode?: number;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

const PROBE_MAX_OUTPUT = 64 << 10;

/**
 * Runs a short command (a version probe) to its end and captures its output. On time-out or abort
 * it is killed at once, with its process group, so a wrapper's children cannot hold it open.
 */
export function probeOutput(
  command: string,
  args: string[],
  o: { env: NodeJS.ProcessEnv; timeoutMs: number; signal?: AbortSignal },
): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    const out = { stdout: '', stderr: '' };
    if (o.signal?.aborted) {
      resolve({ timedOut: false, ...out });
      return;
    }
    let child: ChildProcess;
    try {
      child = spawnPiped(command, args, o.env);
    } catch {
      resolve({ timedOut: false, ...out });
      return;
    }
    let done = false;
    let stopped: 'timedOut' | 'aborted' | undefined;
    const stop = (why: 'timedOut' | 'aborted') => {
      stopped ??= why;
      signalTree(child, 'SIGKILL');
    };
    const timer = setTimeout(() => stop('timedOut'), o.timeoutMs);
    const onAbort = () => stop('aborted');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (exitCode: number | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode: stopped ? undefined : exitCode, timedOut: stopped === 'timedOut', ...out });
    };
    for (const stream of ['stdout', 'stderr'] as const) {
      const decoder = new StringDecoder('utf8');
      child[stream]!.on('data', (b: Buffer) => {
        if (out[stream].length < PROBE_MAX_OUTPUT) out[stream] += decoder.write(b);
      });
    }
    child.once('error', () => {
      if (child.pid === undefined) finish(undefined);
    });
    child.once('close', (code, sig) => finish(code ?? signalExitCode(sig)));
  });
}

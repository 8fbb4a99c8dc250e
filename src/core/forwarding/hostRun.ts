/**
 * Runs one of this machine's programs (git, gpg, gpgconf) for the forwarding: an argument array,
 * optional stdin, a time limit and an output cap; its whole process group is killed when it ends
 * early. Never rejects: a missing program or a timeout is an answer with `error` set.
 */
import { spawn } from 'node:child_process';

export interface HostRunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Bytes of stdout kept (default 1 MB); more is an error. */
  maxOutput?: number;
}

export interface HostRunResult {
  code: number | null;
  stdout: string;
  /** The first 4 KB of stderr (for a message; never logged with values). */
  stderr: string;
  /** 'missing' (not installed), 'timeout', 'tooMuch', or another failure to run it. */
  error?: 'missing' | 'timeout' | 'tooMuch' | 'failed';
}

export function runHost(cmd: string, args: readonly string[], o: HostRunOptions = {}): Promise<HostRunResult> {
  const max = o.maxOutput ?? 1 << 20;
  return new Promise((resolve) => {
    const group = process.platform !== 'win32';
    let settled = false;
    const out: Buffer[] = [];
    let outLen = 0;
    let err = '';
    const child = spawn(cmd, args, {
      cwd: o.cwd,
      env: o.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: group,
    });
    const finish = (code: number | null, error?: HostRunResult['error']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error && child.pid !== undefined) {
        try {
          if (group) process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          /* gone already */
        }
      }
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: err, ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => finish(null, 'timeout'), o.timeoutMs ?? 30_000);
    child.on('error', (e: NodeJS.ErrnoException) => finish(null, e.code === 'ENOENT' ? 'missing' : 'failed'));
    child.stdout.on('data', (b: Buffer) => {
      outLen += b.length;
      if (outLen > max) finish(null, 'tooMuch');
      else out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 4096) err += b.toString('utf8').slice(0, 4096 - err.length);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
    child.on('close', (code) => finish(code));
  });
}

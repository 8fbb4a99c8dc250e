// test/fakes/container, the stand-in for Apple's `container` CLI, as the tests drive it: a state
// directory per bed, runtimes on it, the fake run directly as an outside actor, and a cleanup that
// waits until every process the fake started for this directory has gone before removing it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppleRuntime, type AppleRuntimeOptions } from '../../src/core/runtime/apple/appleRuntime';
import { repoRoot } from './paths';
import { until } from './until';

export const FAKE = join(repoRoot, 'test/fakes/container');

export interface FakeCall {
  pid: number;
  args: string[];
  time: number;
}

/** Whether the process runs: a zombie (exited, its parent gone, not yet reaped by init) does not. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc: kill(0) is all there is
  }
}

function lines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Every invocation of the fake on this state directory, in order (from its calls.log). */
export function fakeCalls(dir: string): FakeCall[] {
  return lines(join(dir, 'calls.log')).map((l) => JSON.parse(l) as FakeCall);
}

/** Grandchildren the fake started to hold its pipes open (CWS_FAKE_CONTAINER_GRANDCHILD=1). */
export function fakeGrandchildren(dir: string): number[] {
  return lines(join(dir, 'grandchildren.log')).map(Number);
}

/** Supervisors and init processes of running containers (they outlive the CLI call that started them). */
export function fakeSupervisors(dir: string): number[] {
  try {
    const st = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as {
      containers: Record<string, { supervisorPid?: number; initPid?: number }>;
    };
    return Object.values(st.containers).flatMap((c) => [c.supervisorPid ?? 0, c.initPid ?? 0].filter(Boolean));
  } catch {
    return [];
  }
}

/** Pids of the fake's processes on this directory still alive. */
export function fakeAlive(dir: string, known: number[] = []): number[] {
  const pids = [...fakeCalls(dir).map((c) => c.pid), ...fakeGrandchildren(dir), ...known];
  return [...new Set(pids)].filter(alive);
}

/**
 * Waits until no process the fake started for `dir` is alive, then removes it. Until then one of
 * them may still write calls.log, state.json or the lock directory (removing would race: ENOTEMPTY).
 */
export async function removeFakeState(dir: string, known: number[] = []): Promise<void> {
  await until(
    `every fake container process on ${dir} to exit`,
    () => (fakeAlive(dir, known).length ? undefined : true),
    15_000,
  );
  rmSync(dir, { recursive: true, force: true });
}

/** A fresh fake: its own state directory, runtimes on it, and the fake run directly as an outside actor. */
export class FakeBed {
  readonly dir = mkdtempSync(join(tmpdir(), 'cws-apple-test-'));
  private readonly runtimes: AppleRuntime[] = [];

  runtime(env: Record<string, string> = {}, o: AppleRuntimeOptions = {}): AppleRuntime {
    const rt = new AppleRuntime({
      cliPath: FAKE,
      pollIntervalMs: 300,
      statsIntervalMs: 300,
      statsWindowMs: 500,
      waitIntervalMs: 100,
      ...o,
      env: { CWS_FAKE_CONTAINER_STATE: this.dir, ...env },
    });
    this.runtimes.push(rt);
    return rt;
  }

  /** Runs the fake directly (another client of the same service). */
  cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        FAKE,
        args,
        { env: { ...process.env, CWS_FAKE_CONTAINER_STATE: this.dir, ...env }, timeout: 20_000 },
        (err, stdout, stderr) => {
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        },
      );
    });
  }

  calls(): FakeCall[] {
    return fakeCalls(this.dir);
  }

  /** Invocations of the fake still running: the CLI children of the runtimes on this bed. */
  running(): FakeCall[] {
    return this.calls().filter((c) => alive(c.pid));
  }

  /** Closes every runtime (waiting for their children), removes the containers, waits, removes the state. */
  async cleanup(): Promise<void> {
    await Promise.all(this.runtimes.map((rt) => rt.close()));
    // A fault a test left behind would stop the clean-up itself.
    for (const f of ['down', 'hang', 'garbage']) rmSync(join(this.dir, f), { force: true });
    const known = fakeSupervisors(this.dir);
    await this.cli(['delete', '--all', '--force']);
    await removeFakeState(this.dir, known);
  }
}

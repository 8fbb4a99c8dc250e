// Faults on real engines, counted: a private dockerd and a private Podman service (so killing them
// harms no other test) are SIGKILLed and restarted while our live container store, the stats
// monitor, a followed log and a shell are open; a container is removed from outside mid-stream;
// the runtime is switched 20 times with streams open. Each fault asserts what a user would see —
// the outage reported once, streams ended rather than hung, everything back within 5 s of the
// engine answering /_ping — and is recorded with recordFault.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { ContainerStore } from '../../src/core/live/containerStore';
import { RuntimeError } from '../../src/core/runtime/errors';
import type { ContainerRuntime, InteractiveExec, Subscription } from '../../src/core/runtime/types';
import { StatsMonitor } from '../../src/core/stats';
import { requireEngine, uniqueName, type EngineId } from '../support/engines';
import {
  leftoverEngineProcesses,
  runOn,
  startPrivateDocker,
  startPrivatePodman,
  type PrivateEngine,
} from '../support/privateEngine';
import { recordFault } from '../support/tally';
import { until } from '../support/until';

/** The promise: everything is back within 5 s of the engine answering. */
const RECOVER_MS = 5_000;
/** A stream that has not ended this long after its engine died is a hang. */
const END_MS = 10_000;
/** Prints a numbered line five times a second; exits at once on SIGTERM (sh as pid 1 ignores it otherwise). */
const TICKER = ['sh', '-c', 'trap "exit 0" TERM; i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.2; done'];

/** Runs `fn`, records the fault as recovered when it passes and as lost when it throws (then rethrows). */
async function fault(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    recordFault(name, true);
  } catch (err) {
    recordFault(name, false, String((err as Error)?.message ?? err).slice(0, 300));
    throw err;
  }
}

/** Waits on a condition with a deadline counted from `since` (when the engine answered), not from now. */
function within<T>(what: string, since: number, probe: () => T | undefined, ms = RECOVER_MS): Promise<T> {
  return until(`${what} (within ${ms} ms of the engine answering)`, probe, Math.max(0, since + ms - Date.now()));
}

const code = (e: Error | undefined) => (e instanceof RuntimeError ? e.code : undefined);

/**
 * What the views, a stats panel, a logs terminal and a shell hold open, built from our real core
 * objects and glued the way the stats panel glues them: stats stream the running containers the
 * store lists (none while the store is in an outage), and a stream the engine ended is asked for
 * again a second later.
 */
class Workload {
  readonly store: ContainerStore;
  readonly monitor: StatsMonitor;
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  readonly statsErrors: { id: string; err: Error }[] = [];
  /** Stats points per container, with when they arrived. */
  readonly points = new Map<string, number[]>();
  private release: (() => void) | undefined;
  private restream: NodeJS.Timeout | undefined;

  constructor(readonly rt: ContainerRuntime) {
    this.store = new ContainerStore({
      log: (m, level) => (level === 'info' ? this.infos : this.warnings).push(m),
    });
    this.monitor = new StatsMonitor({
      batchMs: 200,
      onBatch: (b) => {
        for (const [id, list] of b)
          this.points.set(id, [...(this.points.get(id) ?? []), ...list.map(() => Date.now())]);
      },
      onError: (id, err) => this.statsErrors.push({ id, err }),
      onEnded: () => {
        clearTimeout(this.restream);
        this.restream = setTimeout(() => this.sync(), 1_000);
      },
    });
    this.store.onDidChange(() => this.sync());
    this.store.onDidChangeStatus(() => this.sync());
    this.store.setRuntime(rt);
    this.monitor.setRuntime(rt);
    this.release = this.store.acquire();
  }

  private sync(): void {
    const s = this.store;
    this.monitor.watch(s.outage ? [] : s.containers.filter((c) => c.state === 'running').map((c) => c.id));
  }

  /** The container's full id as the store lists it, by name. */
  idOf(name: string): string | undefined {
    return this.store.containers.find((c) => c.name === name)?.id;
  }

  pointsSince(id: string, t: number): number {
    return (this.points.get(id) ?? []).filter((at) => at > t).length;
  }

  dispose(): void {
    clearTimeout(this.restream);
    this.release?.();
    this.release = undefined;
    this.monitor.dispose();
    this.store.dispose();
    void this.rt.close();
  }
}

/** A followed log and what it delivered. */
async function followLogs(rt: ContainerRuntime, id: string) {
  const seen = { text: '', ended: false };
  const sub: Subscription = await rt.logs(id, { follow: true, tail: 1 }, (c) => {
    seen.text += c.text;
  });
  void sub.ended.then(() => {
    seen.ended = true;
  });
  return { sub, seen };
}

/** An interactive shell that has answered once, and its exit. */
async function openShell(rt: ContainerRuntime, id: string) {
  const shell: InteractiveExec = await rt.execInteractive(id, { cmd: ['sh'], cols: 80, rows: 24 });
  const seen = { out: '', exit: undefined as number | undefined };
  shell.onData((d) => {
    seen.out += d;
  });
  void shell.exit.then((c) => {
    seen.exit = c;
  });
  shell.write('echo "answer-$((40+2))"\n');
  await until('the shell answers', () => (seen.out.includes('answer-42') ? true : undefined), 10_000);
  return { shell, seen };
}

const rejections: unknown[] = [];
const onRejection = (r: unknown) => rejections.push(r);

describe('faults on real engines (private dockerd and Podman service, killed and restarted)', function () {
  this.timeout(180_000);
  const engines = new Map<EngineId, PrivateEngine>();

  before(async function () {
    requireEngine(this, 'docker');
    requireEngine(this, 'podman');
    process.on('unhandledRejection', onRejection);
    // Both at once; whichever started is stopped in after() even when the other failed.
    const started = await Promise.allSettled([startPrivateDocker(), startPrivatePodman()]);
    for (const r of started) if (r.status === 'fulfilled') engines.set(r.value.id, r.value);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    // restart=always: dockerd starts it again when it comes back (Podman's conmon keeps it running).
    for (const e of engines.values()) await runOn(e, 'ticker', TICKER, ['--restart', 'always', '--stop-timeout', '1']);
  });
  afterEach(() => {
    assert.deepEqual(rejections.splice(0), [], 'no unhandled promise rejection');
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    for (const e of engines.values()) {
      await e.stop();
      assert.deepEqual(leftoverEngineProcesses(e.dir), [], `nothing of the private ${e.id} is left running`);
    }
  });

  for (const id of ['docker', 'podman'] as EngineId[]) {
    describe(`${id}`, () => {
      let w: Workload | undefined;
      afterEach(() => {
        w?.dispose();
        w = undefined;
      });

      it('killed with the store, stats, a followed log and a shell open: the outage is reported once, every stream ends, and all is back within 5 s of the engine answering', async () => {
        const e = engines.get(id)!;
        w = new Workload(e.runtime());
        const ticker = await until('the store lists the ticker running', () =>
          w!.store.get(w!.idOf('ticker') ?? '')?.state === 'running' ? w!.idOf('ticker') : undefined,
        );
        await until('stats points arrive', () => (w!.pointsSince(ticker, 0) ? true : undefined));
        const logs = await followLogs(w.rt, ticker);
        await until('log lines arrive', () => (/tick \d+/.test(logs.seen.text) ? true : undefined));
        const shell = await openShell(w.rt, ticker);

        await fault(`${id}: engine SIGKILLed with the store, stats, logs and a shell open`, async () => {
          await e.kill();
          const killedAt = Date.now();
          await within(
            'the store reports the engine down',
            killedAt,
            () => (w!.store.outage && code(w!.store.error) === 'unavailable' ? true : undefined),
            END_MS,
          );
          await within('the followed log ends', killedAt, () => (logs.seen.ended ? true : undefined), END_MS);
          await within('the shell ends', killedAt, () => (shell.seen.exit !== undefined ? true : undefined), END_MS);
          await within(
            'no stats stream is left',
            killedAt,
            () => (w!.monitor.watching.length ? undefined : true),
            END_MS,
          );
          assert.equal(w!.store.outages, 1, 'one outage');
          assert.equal(
            w!.warnings.length,
            1,
            `one warning for the outage, not one per retry:\n${w!.warnings.join('\n')}`,
          );
          assert.match(w!.warnings[0], /not running/);
        });

        await fault(`${id}: engine restarted after 8 s down: store and stats back within 5 s`, async () => {
          // The outage's length is the fault: long enough that a doubling back-off (0.5, 1, 2, 4 s …)
          // would sleep through the engine's return.
          await new Promise((r) => setTimeout(r, 8_000));
          assert.equal(w!.warnings.length, 1, `still one warning:\n${w!.warnings.join('\n')}`);
          const answeredAt = await e.start();
          await within('the store lists the containers again', answeredAt, () =>
            !w!.store.outage && !w!.store.error && w!.store.get(ticker)?.state === 'running' ? true : undefined,
          );
          await within('stats points for the ticker again', answeredAt, () =>
            w!.pointsSince(ticker, answeredAt) ? true : undefined,
          );
          assert.equal(w!.store.outages, 1, 'still one outage');
          assert.equal(w!.infos.length, 1, `one "reconnected" line: ${w!.infos.join('\n')}`);
          assert.match(w!.infos[0], /reconnected/);
          // A logs terminal opened now follows again.
          const again = await followLogs(w!.rt, ticker);
          await within(
            'a new log follow delivers',
            answeredAt,
            () => (/tick \d+/.test(again.seen.text) ? true : undefined),
            8_000,
          );
          again.sub.close();
        });
      });

      it('down before anyone looks, started 8 s later: the store lists within 5 s of the engine answering', async () => {
        const e = engines.get(id)!;
        await e.kill();
        w = new Workload(e.runtime());
        await fault(`${id}: engine down when the views open, started later`, async () => {
          await until('the store reports the engine down', () =>
            code(w!.store.error) === 'unavailable' ? true : undefined,
          );
          await new Promise((r) => setTimeout(r, 8_000)); // the outage itself (see above)
          const answeredAt = await e.start();
          await within('the store lists the ticker', answeredAt, () =>
            w!.store.loaded && !w!.store.error && w!.idOf('ticker') ? true : undefined,
          );
          assert.equal(w!.warnings.length, 1, w!.warnings.join('\n'));
          assert.equal(w!.store.outages, 1);
        });
      });

      it('a container removed from outside while its logs and stats stream: both end quietly and the store drops it', async () => {
        const e = engines.get(id)!;
        w = new Workload(e.runtime());
        const name = uniqueName(`cws-victim-${id}`);
        await runOn(e, name, TICKER);
        const victim = await until('the store lists the victim running', () => {
          const v = w!.idOf(name);
          return v && w!.store.get(v)?.state === 'running' ? v : undefined;
        });
        await until('its stats stream', () => (w!.pointsSince(victim, 0) ? true : undefined));
        const logs = await followLogs(w.rt, victim);
        await until('its log lines', () => (/tick/.test(logs.seen.text) ? true : undefined));
        await fault(`${id}: container removed (rm -f) mid-stream`, async () => {
          await e.cli(['rm', '-f', name]);
          const removedAt = Date.now();
          await within('the followed log ends', removedAt, () => (logs.seen.ended ? true : undefined));
          await within('the store drops it', removedAt, () => (w!.store.get(victim) ? undefined : true));
          await within('its stats stream is closed', removedAt, () =>
            w!.monitor.watching.includes(victim) ? undefined : true,
          );
          assert.deepEqual(
            w!.statsErrors.filter((s) => s.id === victim).map((s) => s.err.message),
            [],
            'a removed container is no stats error',
          );
          assert.equal(w!.store.error, undefined, 'no store error');
          assert.equal(w!.warnings.length, 0, w!.warnings.join('\n'));
        });
      });
    });
  }

  describe('runtime switches', () => {
    it('the runtime switched 20 times between Docker and Podman with streams open leaks no socket, process or timer', async () => {
      const sockets = () =>
        readdirSync('/proc/self/fd').filter((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
          } catch {
            return false;
          }
        }).length;
      const children = () =>
        readdirSync('/proc').filter((p) => {
          try {
            return (
              /^\d+$/.test(p) &&
              readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(process.pid)
            );
          } catch {
            return false;
          }
        }).length;
      const resources = (kind: string) => process.getActiveResourcesInfo().filter((r) => r === kind).length;
      const counts = () => ({
        sockets: sockets(),
        children: children(),
        timers: resources('Timeout'),
        pipes: resources('PipeWrap'),
        tcp: resources('TCPWrap') + resources('TCPSocketWrap'),
      });
      const diag = () => process.getActiveResourcesInfo().join(',');
      // Mocha arms its own time-out timer just after the test starts: count from after that.
      await new Promise((r) => setImmediate(r));
      const before = counts();
      const beforeDiag = diag();
      await fault('runtime switched 20 times while streams are open: no leak', async () => {
        const store = new ContainerStore();
        const monitor = new StatsMonitor({ onBatch: () => undefined });
        const release = store.acquire();
        let rt: ContainerRuntime | undefined;
        try {
          for (let i = 0; i < 20; i++) {
            const e = engines.get(i % 2 ? 'podman' : 'docker')!;
            const next = e.runtime();
            // As the session does: listeners let go of the old runtime, then it is closed.
            store.setRuntime(next);
            monitor.setRuntime(next);
            void rt?.close();
            rt = next;
            await store.whenSettled();
            const ticker = store.containers.find((c) => c.name === 'ticker');
            assert.ok(ticker, `switch ${i + 1}: the ticker listed on ${e.id} (${store.error?.message ?? 'no error'})`);
            monitor.watch([ticker.id]);
            await rt.logs(ticker.id, { follow: true, tail: 1 }, () => undefined);
            await rt.execInteractive(ticker.id, { cmd: ['sh'] });
            // Events, stats, the log and the shell are open on this runtime when it is switched away.
            assert.ok(rt.openStreams >= 4, `switch ${i + 1}: ${rt.openStreams} streams open`);
          }
        } finally {
          store.setRuntime(undefined);
          monitor.setRuntime(undefined);
          void rt?.close();
          release();
          store.dispose();
          monitor.dispose();
        }
        assert.equal(rt?.openStreams, 0, 'the last runtime closed every stream');
        const settled = await until(
          'sockets, processes and timers back to where they were',
          () => {
            const now = counts();
            return JSON.stringify(now) === JSON.stringify(before) ? now : undefined;
          },
          10_000,
        ).catch(() => counts());
        assert.deepEqual(settled, before, `same counts after the switches as before (${beforeDiag} → ${diag()})`);
      });
    });
  });
});

// The stats panel's monitor on the real dockerd and Podman, behind a counting proxy socket: a busy
// container reads busy and an idle one idle, memory as the engine's own CLI says, batches at most
// once a second, and no stats connection left once nothing is watched.
import * as assert from 'node:assert/strict';
import { DockerRuntime } from '../../src/core/runtime/docker/dockerRuntime';
import { PodmanRuntime } from '../../src/core/runtime/docker/podmanRuntime';
import { StatsMonitor, type StatsPoint } from '../../src/core/stats';
import { startCountingProxy, type CountingProxy } from '../support/countingProxy';
import {
  ENGINE_SOCKETS,
  TEST_IMAGE,
  TEST_LABEL,
  engineCli,
  parseSize,
  removeTestContainers,
  requireEngine,
  uniqueName,
  type EngineId,
} from '../support/engines';
import { until } from '../support/until';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STATS = /\/stats/;

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`stats monitor: ${engine} (real engine, counted connections)`, function () {
    this.timeout(120_000);
    let proxy: CountingProxy;
    let rt: DockerRuntime;
    let busy: string;
    let idle: string;
    let hog: string;
    const labels = { [TEST_LABEL]: String(process.pid) };
    const run = async (cmd: string[]) => {
      const id = await rt.createContainer({ image: TEST_IMAGE, name: uniqueName(`cws-st-${engine}`), cmd, labels });
      await rt.start(id);
      return id;
    };
    const batches: { at: number; batch: Map<string, StatsPoint[]> }[] = [];
    let monitor: StatsMonitor;

    before(async function () {
      requireEngine(this, engine);
      proxy = await startCountingProxy(ENGINE_SOCKETS[engine], `stats-${engine}`);
      const ep = { url: proxy.url, socketPath: proxy.path };
      rt = engine === 'podman' ? new PodmanRuntime(ep) : new DockerRuntime('docker', ep);
      busy = await run(['sh', '-c', 'while :; do :; done']);
      idle = await run(['sleep', '600']);
      // Holds 24 MiB: a file in its /dev/shm (tmpfs) is memory, not page cache.
      hog = await run(['sh', '-c', 'dd if=/dev/zero of=/dev/shm/hog bs=1048576 count=24 2>/dev/null; sleep 600']);
      monitor = new StatsMonitor({ onBatch: (batch) => batches.push({ at: Date.now(), batch }) });
      monitor.setRuntime(rt);
    });
    after(async () => {
      monitor?.dispose();
      void rt?.close();
      await proxy?.close();
      if (rt) await removeTestContainers(engine);
    });

    it('a CPU burner reads busy (far above the idle one) and an idle container near 0, from the first point on', async () => {
      monitor.watch([busy, idle, hog]);
      await until(
        'three points each',
        () => ([busy, idle, hog].every((id) => monitor.history(id).length >= 3) ? true : undefined),
        30_000,
      );
      assert.deepEqual(monitor.watching.sort(), [busy, idle, hog].sort());
      assert.equal(proxy.openMatching(STATS), 3, 'one stats stream per watched container');
      const b = monitor.history(busy);
      const i = monitor.history(idle);
      // A busy loop gets a whole core only on an idle machine; on a loaded 2-core runner its fair
      // share can be a fifth of one. What must hold: it reads busy, far above the idle container.
      const idleMax = Math.max(0.1, ...monitor.history(idle).map((p) => p.cpu));
      assert.ok(
        b.every((p) => p.cpu > 5 && p.cpu > 10 * idleMax),
        `burner CPU ${b.map((p) => p.cpu.toFixed(1)).join(', ')} vs idle at most ${idleMax.toFixed(1)}`,
      );
      assert.ok(
        i.every((p) => p.cpu < 5),
        `idle CPU ${i.map((p) => p.cpu.toFixed(1)).join(', ')}`,
      );
      assert.ok(i.every((p) => p.pids >= 1 && p.memLimit > 0));
      // Rates need two samples: the first point has none, the later ones do.
      assert.equal(b[0].rxRate, null);
      assert.ok(b.slice(1).every((p) => p.rxRate !== null && p.rxRate >= 0 && p.writeRate !== null));
      // About a second apart, by the engine's own clock.
      const gaps = b.slice(1).map((p, k) => p.t - b[k].t);
      assert.ok(
        gaps.every((g) => g > 500 && g < 3000),
        `gaps ${gaps.join(', ')} ms`,
      );
    });

    it('memory matches the engine CLI within a few percent', async () => {
      await until(
        'the hog holds its memory',
        () => ((monitor.history(hog).at(-1)?.mem ?? 0) > 20 * 2 ** 20 ? true : undefined),
        20_000,
      );
      await sleep(1500);
      const line = await engineCli(engine, ['stats', '--no-stream', '--format', '{{.MemUsage}}', hog]);
      const theirs = parseSize(line.split('/')[0]);
      const ours = monitor.history(hog).at(-1)!.mem;
      assert.ok(
        Math.abs(ours - theirs) <= theirs * 0.05,
        `ours ${(ours / 2 ** 20).toFixed(2)} MiB vs ${engine} stats "${line}"`,
      );
    });

    it('batches come at most once a second, each with the new points only', async () => {
      batches.length = 0;
      await sleep(5200);
      assert.ok(batches.length >= 3 && batches.length <= 6, `${batches.length} batches in 5.2 s`);
      const gaps = batches.slice(1).map((b, k) => b.at - batches[k].at);
      assert.ok(
        gaps.every((g) => g >= 950),
        `batch gaps ${gaps.join(', ')} ms`,
      );
      const seen = new Map<string, number>();
      for (const { batch } of batches) {
        for (const [id, points] of batch) {
          for (const p of points) {
            assert.ok(p.t > (seen.get(id) ?? 0), 'no point twice');
            seen.set(id, p.t);
          }
        }
      }
      assert.deepEqual([...seen.keys()].sort(), [busy, idle, hog].sort());
    });

    it('unwatching closes that stream at once; watching nothing leaves no stats connection and no batches', async () => {
      monitor.watch([busy, hog]);
      await until('the idle stream closed', () => (proxy.openMatching(STATS) === 2 ? true : undefined), 1000);
      const kept = monitor.history(idle).length;
      monitor.watch([]);
      await until('every stats connection closed', () => (proxy.openMatching(STATS) === 0 ? true : undefined), 1000);
      assert.deepEqual(monitor.watching, []);
      assert.equal(rt.openStreams, 0);
      await sleep(1200); // the last batch, if any, goes out
      batches.length = 0;
      proxy.reset();
      await sleep(3000);
      assert.equal(batches.length, 0, 'no batches while nothing is watched');
      assert.equal(proxy.count(), 0, 'no requests while nothing is watched');
      assert.equal(monitor.history(idle).length, kept, 'the history is kept for when it is shown again');
    });

    it('a container removed while watched: its stream ends quietly, it leaves the watch list, and the owner is told', async () => {
      const errors: string[] = [];
      const ended: string[] = [];
      const m = new StatsMonitor({
        onBatch: () => undefined,
        onError: (_id, e) => errors.push(e.message),
        onEnded: (id) => ended.push(id),
      });
      m.setRuntime(rt);
      try {
        const short = await run(['sleep', '600']);
        m.watch([short]);
        await until('a point', () => (m.history(short).length ? true : undefined), 10_000);
        await rt.remove(short, { force: true });
        await until('its stream ended by the engine', () => (!m.watching.includes(short) ? true : undefined), 5_000);
        assert.deepEqual(ended, [short]);
        assert.equal(proxy.openMatching(new RegExp(`/containers/${short}/stats`)), 0, 'its connection is closed');
        // Watching a container that is already gone: no error either.
        m.watch([short]);
        await sleep(1000);
        assert.deepEqual(errors, [], 'a removed container is no error');
        m.watch([]);
      } finally {
        m.dispose();
      }
    });
  });
}

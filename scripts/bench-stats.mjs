// `node scripts/bench-stats.mjs`: figures, not pass/fail. What the Container Stats panel costs with
// 50 streamed containers at 1 Hz on one engine:
//   extension host  CPU of this process running exactly what the panel runs per sample and batch
//                   (StatsMonitor: one stats stream per container, points, history; the panel's
//                   encoding of each batch to its webview message), over CWS_BENCH_SECONDS (30) after
//                   a 5 s warm-up; % of one core = (user + system CPU time) / wall time
//   engine          dockerd's CPU over the same time, when its /proc entry is readable (context only)
//   webview traffic bytes per second of the `points` messages (JSON, as postMessage carries it)
//   webview bundle  media/stats.js + media/stats.css, minified as the release build makes them
// Targets (issue 8): ≤ 3 % of a core, ≤ 10 KB/s for 50 containers, ≤ 80 KB bundle.
// Engine: DOCKER_HOST (unix:// or tcp://) if set, else unix:///var/run/docker.sock.
// CWS_BENCH_CONTAINERS (default 50) and CWS_BENCH_SECONDS (default 30) change the sizes. Bench
// containers (busybox `sleep`, no network) carry dev.containerworkspaces.bench=1 and a run label;
// they are removed at the end, on error and on Ctrl-C.
import { readFileSync, readdirSync, rmSync, mkdtempSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { IMAGE, describeEngine, openBench, root } from './lib/benchEngine.mjs';

const require = createRequire(join(root, 'package.json'));
const COUNT = Number(process.env.CWS_BENCH_CONTAINERS || 50);
const SECONDS = Number(process.env.CWS_BENCH_SECONDS || 30);
const WARMUP_MS = 5_000;
const NAME = 'bench:stats';
const KB = 1024;

const bench = openBench({ name: NAME });
const { apiJson, created, closers, cleanup, engineUrl } = bench;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** dockerd's CPU time in seconds (utime + stime), or undefined when it cannot be read. */
function daemonCpuSeconds() {
  try {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let comm;
      try {
        comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        continue;
      }
      if (comm !== 'dockerd') continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks; USER_HZ is 100 on Linux
    }
  } catch {
    /* not Linux, or not readable */
  }
  return undefined;
}

/** The webview bundle as the release build makes it (minified), built into a temporary folder. */
async function webviewBundle() {
  const esbuild = require('esbuild');
  const out = mkdtempSync(join(tmpdir(), 'cws-bench-webview-'));
  try {
    await esbuild.build({
      entryPoints: { stats: join(root, 'src/webview/stats/main.ts') },
      outdir: out,
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: true,
      logLevel: 'warning',
    });
    const files = readdirSync(out).map((f) => ({
      f,
      bytes: statSync(join(out, f)).size,
      gz: gzipSync(readFileSync(join(out, f))).length,
    }));
    return files;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function main() {
  bench.build();
  const { DockerRuntime } = require(join(root, 'out/src/core/runtime/docker/dockerRuntime.js'));
  const { StatsMonitor } = require(join(root, 'out/src/core/stats/statsMonitor.js'));
  const { toRow } = require(join(root, 'out/src/vscode/stats/toRow.js'));
  const version = await bench.checkEngine();

  try {
    let t = Date.now();
    await bench.createContainers(COUNT);
    if (bench.cleaning) return;
    for (let i = 0; i < created.length; i += 20)
      await Promise.all(created.slice(i, i + 20).map((id) => apiJson('POST', `/containers/${id}/start`)));
    console.log(
      `${NAME}: ${created.length} running containers (${IMAGE} sleep, no network) ready in ${Date.now() - t} ms`,
    );

    const rt = new DockerRuntime('docker', bench.engine.endpoint);
    closers.push(() => rt.close());
    let batches = 0;
    let points = 0;
    let bytes = 0;
    let counting = false;
    const monitor = new StatsMonitor({
      onBatch: (batch) => {
        // What StatsPanel.sendPoints does with a batch, then the JSON postMessage carries.
        const msg = { type: 'points', points: {} };
        for (const [id, list] of batch) msg.points[id] = list.map(toRow);
        const size = Buffer.byteLength(JSON.stringify(msg));
        if (!counting) return;
        batches++;
        bytes += size;
        for (const list of batch.values()) points += list.length;
      },
      onError: (id, err) => console.error(`${NAME}: stats for ${id.slice(0, 12)}: ${err.message}`),
    });
    closers.push(() => monitor.dispose());
    monitor.setRuntime(rt);
    monitor.watch(created);
    console.log(
      `${NAME}: streaming ${created.length} containers; ${WARMUP_MS / 1000} s warm-up, then ${SECONDS} s measured …`,
    );
    await sleep(WARMUP_MS);
    if (bench.cleaning) return;

    counting = true;
    const cpu0 = process.cpuUsage();
    const d0 = daemonCpuSeconds();
    const w0 = performance.now();
    await sleep(SECONDS * 1000);
    const wall = (performance.now() - w0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const d1 = daemonCpuSeconds();
    counting = false;
    const streams = monitor.watching.length;
    monitor.dispose();

    const hostPct = ((cpu.user + cpu.system) / 1e6 / wall) * 100;
    const perSec = bytes / wall;
    const bundle = await webviewBundle();
    const total = bundle.reduce((a, b) => a + b.bytes, 0);
    const totalGz = bundle.reduce((a, b) => a + b.gz, 0);

    console.log(`\nengine          ${engineUrl} (${describeEngine(version)})`);
    console.log(`streamed        ${streams} containers, one stats stream each, ${wall.toFixed(1)} s measured`);
    console.log(
      `points          ${points} (${(points / wall / Math.max(1, streams)).toFixed(2)} per container per second), ${batches} batches (${(batches / wall).toFixed(2)} per second)`,
    );
    console.log(
      `extension host  ${hostPct.toFixed(2)} % of a core (user ${(cpu.user / 1e3).toFixed(0)} ms + system ${(cpu.system / 1e3).toFixed(0)} ms)  ` +
        `(target ≤ 3 %: ${hostPct <= 3 ? 'met' : 'MISSED'})`,
    );
    if (d0 !== undefined && d1 !== undefined) {
      const dPct = ((d1 - d0) / wall) * 100;
      console.log(
        `engine (dockerd) ${dPct.toFixed(1)} % of a core, ${(dPct / Math.max(1, streams)).toFixed(2)} % per streamed container (context: the daemon's share)`,
      );
    }
    console.log(
      `webview traffic ${(perSec / KB).toFixed(2)} KB/s of points messages, ${(bytes / Math.max(1, batches) / KB).toFixed(2)} KB a batch  ` +
        `(target ≤ 10 KB/s: ${perSec <= 10 * KB ? 'met' : 'MISSED'})`,
    );
    console.log(
      `webview bundle  ${bundle.map((b) => `${b.f} ${(b.bytes / KB).toFixed(1)} KB`).join(' + ')} = ${(total / KB).toFixed(1)} KB minified, ` +
        `${(totalGz / KB).toFixed(1)} KB gzipped  (target ≤ 80 KB: ${total <= 80 * KB ? 'met' : 'MISSED'})`,
    );
  } finally {
    await cleanup();
  }
}

bench.run(main);

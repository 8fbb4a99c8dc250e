// The detection worker (dist/detectionWorker.js) and its host side: the same contexts as detecting
// in-process, a budget that stops a runaway detection while the main thread keeps running, crashes
// reported rather than thrown, superseded detections, and the in-process fallback.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectDirectory } from '../../src/core/detection/detect';
import { excludeMatcher } from '../../src/core/detection/glob';
import {
  DETECTION_BUDGET_MS,
  DetectionClient,
  type DetectionClientOptions,
  type DetectionResult,
} from '../../src/core/detection/worker/detectionClient';
import { fixturesDir } from '../support/fixtures';
import { repoRoot } from '../support/paths';
import { recordFault, tryBadInput } from '../support/tally';

// The bundles the extension ships: the worker, and the detection it requires.
const workerFile = join(repoRoot, 'dist/detectionWorker.js');
const detectionModule = join(repoRoot, 'dist/background.js');

/** Every fixture folder that detection has something to say about. */
function fixtureFolders(): string[] {
  const out = [join(fixturesDir, 'workspaces', 'sample')];
  for (const group of ['compose', 'context/devcontainer', 'context/dockerfiles', 'context/kubernetes']) {
    const dir = join(fixturesDir, group);
    for (const e of readdirSync(dir)) if (statSync(join(dir, e)).isDirectory()) out.push(join(dir, e));
  }
  return out;
}

/**
 * Detection lists a folder with many readdir calls in flight, so the order of what it finds may
 * differ from run to run; both sides are put in one order before comparing (contents stay exact).
 */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(canonical);
    return items.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canonical(x)]));
  return v;
}

function client(o: Partial<DetectionClientOptions> = {}) {
  const logs: string[] = [];
  const c = new DetectionClient({
    workerFile,
    detectionModule,
    log: { info: (m) => logs.push(`info ${m}`), warn: (m) => logs.push(`warn ${m}`) },
    ...o,
  });
  return { c, logs };
}

const job = (o: Partial<Parameters<DetectionClient['detect']>[1]> = {}) => ({ exclude: [], env: {}, ...o });

/** A worker's detection matches detecting the same folder in this thread. */
async function sameAsHere(dir: string, r: DetectionResult): Promise<void> {
  assert.ok(r.ok, `detection failed: ${JSON.stringify(r)}`);
  assert.deepStrictEqual(canonical(r.context), canonical(await detectDirectory(dir, { env: {} })), dir);
}

function ok(r: DetectionResult) {
  assert.ok(r.ok, `detection failed: ${JSON.stringify(r)}`);
  return r.context;
}

/** Counts main-thread timer ticks while `run` is pending: the thread stays free if they keep coming. */
async function ticking<T>(run: () => Promise<T>): Promise<{ value: T; ticks: number; maxGapMs: number }> {
  let ticks = 0;
  let last = Date.now();
  let maxGapMs = 0;
  const t = setInterval(() => {
    ticks++;
    const now = Date.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 20);
  try {
    const value = await run();
    return { value, ticks, maxGapMs };
  } finally {
    clearInterval(t);
  }
}

describe('detection worker', function () {
  this.timeout(60_000);
  const made: DetectionClient[] = [];
  const track = (x: ReturnType<typeof client>) => (made.push(x.c), x);
  after(() => made.forEach((c) => c.dispose()));

  it('gives the same context as in-process detection for every fixture folder, with one worker', async () => {
    const { c, logs } = track(client());
    const folders = fixtureFolders();
    assert.ok(folders.length > 40, `${folders.length} fixture folders`);
    for (const dir of folders) {
      const env = {};
      const viaWorker = ok(await c.detect(dir, job({ env })));
      const here = await detectDirectory(dir, { env });
      assert.deepStrictEqual(canonical(viaWorker), canonical(here), dir);
    }
    assert.equal(c.workersStarted, 1, 'one worker for all the folders');
    assert.equal(c.inProcess, false);
    assert.deepEqual(logs, []);
  });

  it('builds the exclude matcher inside the worker from the patterns', async () => {
    const { c } = track(client());
    const dir = join(fixturesDir, 'context', 'dockerfiles');
    const exclude = ['podman/**', '**/Dockerfile.*'];
    const viaWorker = ok(await c.detect(dir, job({ exclude })));
    const here = await detectDirectory(dir, {
      exclude: excludeMatcher({ 'podman/**': true, '**/Dockerfile.*': true }),
    });
    assert.deepStrictEqual(canonical(viaWorker), canonical(here));
    assert.ok(viaWorker.dockerfiles.length > 0, 'something is still found');
    assert.ok(!viaWorker.dockerfiles.some((d) => d.path.includes('/podman/')), 'the excluded folder is left out');
    assert.ok(!viaWorker.dockerfiles.some((d) => /Dockerfile\.[^/]*$/.test(d.path)), 'excluded names are left out');
  });

  it('stops a detection over its budget while the main thread keeps ticking, then detects again', async () => {
    const { c } = track(client());
    const sample = join(fixturesDir, 'workspaces', 'sample');
    ok(await c.detect(sample, job()));
    c.budgetMs = 1500;
    const {
      value: r,
      ticks,
      maxGapMs,
    } = await ticking(() => c.detect(sample, job({ label: 'sample', test: { busyMs: 120_000 } })));
    assert.ok(!r.ok && r.reason === 'timeout', JSON.stringify(r));
    assert.equal(
      r.message,
      'Detection of sample took longer than 1.5 s and was stopped; the container context may be incomplete.',
    );
    // The worker busy-loops for two minutes; the main thread kept ticking (a loaded machine may
    // delay a tick, but a detection on this thread would have stopped them for the whole budget).
    assert.ok(ticks >= 10, `${ticks} ticks`);
    assert.ok(maxGapMs < 1000, `the main thread stalled for ${maxGapMs} ms`);
    c.budgetMs = DETECTION_BUDGET_MS;
    await sameAsHere(sample, await c.detect(sample, job()));
    assert.equal(c.workersStarted, 2, 'the stopped worker was replaced');
    recordFault('detection worker busy past its budget', true, `${ticks} main-thread ticks meanwhile`);
  });

  it('a folder too large to detect within the budget is stopped and reported, not waited for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cws-slow-detect-'));
    try {
      // 60 Compose projects of 1,500 services each, and as many manifests of 300 Deployments:
      // seconds of YAML parsing (files well under the size limits, each one valid).
      const services = Array.from(
        { length: 1500 },
        (_, i) => `  s${i}:\n    image: busybox:${i}\n    ports: ["${1000 + i}:80"]\n`,
      );
      const compose = `services:\n${services.join('')}`;
      const manifests = Array.from(
        { length: 300 },
        (_, i) =>
          `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: busybox:${i}\n`,
      ).join('---\n');
      for (let i = 0; i < 60; i++) {
        mkdirSync(join(dir, `p${i}`));
        writeFileSync(join(dir, `p${i}`, 'compose.yaml'), compose);
        writeFileSync(join(dir, `p${i}`, 'deploy.yaml'), manifests);
      }
      const { c } = track(client({ budgetMs: 300 }));
      const { value: outcome, ticks } = await ticking(() =>
        tryBadInput('detection of a folder with 60 large Compose files, 300 ms budget', () =>
          c.detect(dir, job({ label: 'huge' })),
        ),
      );
      const r = outcome.value!;
      assert.ok(!r.ok && r.reason === 'timeout', JSON.stringify(r).slice(0, 300));
      assert.match(r.message, /^Detection of huge took longer than 300 ms and was stopped/);
      assert.ok(ticks >= 3, `${ticks} ticks`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('pathological files, detected through the worker', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cws-worker-bad-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('a FIFO named compose.yaml: reported, not waited on, and the rest is detected', async function () {
      if (process.platform === 'win32') this.skip();
      execFileSync('mkfifo', [join(dir, 'compose.yaml')]);
      writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\n');
      const { c } = track(client({ budgetMs: 5000 }));
      const { value: outcome, maxGapMs } = await ticking(() =>
        tryBadInput('a FIFO named compose.yaml, detected in the worker', () => c.detect(dir, job()), {
          limitMs: 10_000,
        }),
      );
      const ctx = ok(outcome.value!);
      assert.equal(ctx.primary, 'dockerfile');
      assert.ok(
        ctx.diagnostics.some((d) => d.file === join(dir, 'compose.yaml') && /FIFO/.test(d.message)),
        JSON.stringify(ctx.diagnostics),
      );
      assert.ok(maxGapMs < 1000, `the main thread stalled for ${maxGapMs} ms`);
    });

    it('YAML aliases that expand exponentially: a diagnostic or a stopped detection, never a frozen thread', async () => {
      const levels = Array.from({ length: 24 }, (_, i) => `x${i + 1}: &x${i + 1} [*x${i}, *x${i}, *x${i}, *x${i}]`);
      writeFileSync(
        join(dir, 'compose.yaml'),
        `x0: &x0 "lol"\n${levels.join('\n')}\nservices:\n  web:\n    image: nginx\n    labels: *x24\n`,
      );
      const { c } = track(client({ budgetMs: 3000 }));
      const { value: outcome, maxGapMs } = await ticking(() =>
        tryBadInput(
          'YAML alias bomb in compose.yaml, detected in the worker',
          () => c.detect(dir, job({ label: 'bomb' })),
          {
            limitMs: 10_000,
          },
        ),
      );
      const r = outcome.value!;
      if (r.ok)
        assert.ok(
          r.context.diagnostics.some((d) => d.file === join(dir, 'compose.yaml')),
          `no diagnostic for the alias bomb: ${JSON.stringify(r.context).slice(0, 300)}`,
        );
      else
        assert.ok(
          r.reason === 'timeout' && /^Detection of bomb took longer than 3 s/.test(r.message),
          JSON.stringify(r),
        );
      assert.ok(maxGapMs < 1000, `the main thread stalled for ${maxGapMs} ms`);
    });
  });

  for (const crash of ['throw', 'exit'] as const) {
    it(`a worker that crashes (${crash}) is reported as stopped, and the next detection gets a new worker`, async () => {
      const { c } = track(client());
      const sample = join(fixturesDir, 'workspaces', 'sample');
      const r = await c.detect(sample, job({ label: 'sample', test: { crash, busyMs: 50 } }));
      assert.ok(!r.ok && r.reason === 'crashed', JSON.stringify(r));
      assert.match(
        r.message,
        crash === 'throw'
          ? /^Detection of sample stopped unexpectedly \(test crash inside the detection worker\); the container context may be incomplete\.$/
          : /^Detection of sample stopped unexpectedly \(the worker exited with code 3\)/,
      );
      await sameAsHere(sample, await c.detect(sample, job()));
      assert.equal(c.workersStarted, 2);
      assert.equal(c.inProcess, false, 'a crash after loading is not a reason to leave the worker');
      recordFault(`detection worker crash (${crash})`, true);
    });
  }

  it('a newer detection of the same folder supersedes the running one', async () => {
    const { c } = track(client());
    const sample = join(fixturesDir, 'workspaces', 'sample');
    const first = c.detect(sample, job({ test: { busyMs: 500 } }));
    const second = c.detect(sample, job());
    assert.deepEqual(await first, { ok: false, reason: 'cancelled' });
    await sameAsHere(sample, await second);
    assert.equal(c.workersStarted, 1);
  });

  it('runs in-process, logged once, when the worker file is missing or does not load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cws-worker-'));
    try {
      const broken = join(dir, 'broken.js');
      writeFileSync(broken, "throw new Error('this bundle is broken');\n");
      for (const file of [join(dir, 'missing.js'), broken]) {
        const { c, logs } = track(client({ workerFile: file }));
        const sample = join(fixturesDir, 'workspaces', 'sample');
        const basic = join(fixturesDir, 'compose', 'basic');
        await sameAsHere(sample, await c.detect(sample, job()));
        await sameAsHere(basic, await c.detect(basic, job()));
        assert.equal(c.inProcess, true);
        assert.equal(logs.length, 1, logs.join('\n'));
        assert.match(
          logs[0],
          /^warn Context detection runs on the extension host's main thread: its worker could not be loaded \(/,
        );
        assert.match(logs[0], file === broken ? /this bundle is broken/ : /missing\.js does not exist/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('dispose cancels what is queued and running, and later detections', async () => {
    const { c } = client();
    const running = c.detect(join(fixturesDir, 'workspaces', 'sample'), job({ test: { busyMs: 300 } }));
    const queued = c.detect(join(fixturesDir, 'compose', 'basic'), job());
    c.dispose();
    assert.deepEqual(await running, { ok: false, reason: 'cancelled' });
    assert.deepEqual(await queued, { ok: false, reason: 'cancelled' });
    assert.deepEqual(await c.detect(join(fixturesDir, 'compose', 'basic'), job()), { ok: false, reason: 'cancelled' });
  });
});

// `node scripts/bench-tree.mjs`: figures, not pass/fail. Event-to-tree latency of the Containers
// view's live list with 500 containers on one engine: how long from the engine's event for a
// container (its own timestamp) to the ContainerStore having emitted the change for it AND
// arrange() of the whole store having run (what the view's getChildren computes before VS Code
// repaints; the tree provider itself needs `vscode`, so the part up to the repaint is measured).
//   one at a time  ~60 operations (after warm-ups), alternately start and stop (t=0) of bench
//                  containers over node:http, not through the store; t0 = the event that makes the
//                  new state (start / die) from a second DockerRuntime.subscribeEvents, t1 = the
//                  store's `updated` entry for that id with the new state, plus one arrange()
//   burst          20 containers started at once: first event → the store holds all 20 running
// Target (issue): event → tree p90 ≤ 150 ms with 500 containers. Both clocks are this machine's.
// Engine: DOCKER_HOST (unix:// or tcp://) if set, else unix:///var/run/docker.sock.
// CWS_BENCH_CONTAINERS (default 500), CWS_BENCH_OPS (default 60) and CWS_BENCH_BURST (default 20)
// change the sizes. Bench containers carry dev.containerworkspaces.bench=1 and a run label; they
// are removed at the end, on error and on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const COUNT = Number(process.env.CWS_BENCH_CONTAINERS || 500);
const OPS = Number(process.env.CWS_BENCH_OPS || 60);
const BURST = Number(process.env.CWS_BENCH_BURST || 20);
const WARMUPS = 4;
const RUNNING = 5; // started before the store connects, so the list holds both states
const BATCH = 20;
const OP_TIMEOUT_MS = 15_000;
const IMAGE = 'localhost/cws-test/busybox:latest';
const LABEL = 'dev.containerworkspaces.bench';
const RUN_LABEL = 'dev.containerworkspaces.bench.run';
const runId = `${process.pid}-${randomBytes(3).toString('hex')}`;
const NAME = 'bench:tree';

// ---------------------------------------------------------------- engine address
const engineUrl = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
function parseEngine(url) {
  const m = /^(unix|tcp|http):\/\/(.+)$/i.exec(url.trim());
  if (!m) fail(`it needs a local engine address (unix:///path or tcp://host:port); DOCKER_HOST is "${url}".`);
  if (m[1].toLowerCase() === 'unix') return { http: { socketPath: m[2] }, endpoint: { url, socketPath: m[2] } };
  const u = new URL(`http://${m[2]}`);
  const port = Number(u.port || 2375);
  return { http: { host: u.hostname, port }, endpoint: { url, protocol: 'http', host: u.hostname, port } };
}

function fail(message) {
  console.error(`\n${NAME}: ${message}`);
  process.exit(1);
}

const engine = parseEngine(engineUrl);
const agent = new Agent({ keepAlive: true, maxSockets: Math.max(BATCH, BURST) });

function api(method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request({
      ...engine.http, agent, method, path,
      headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer within 60 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function apiJson(method, path, body) {
  const r = await api(method, path, body);
  if (r.status >= 400) {
    let msg = r.body.toString();
    try { msg = JSON.parse(msg).message ?? msg; } catch { /* plain text */ }
    throw new Error(`${method} ${path}: ${r.status} ${msg}`.trim());
  }
  return r.body.length ? JSON.parse(r.body.toString()) : undefined;
}

const startContainer = (id) => apiJson('POST', `/containers/${id}/start`);
const stopContainer = (id) => apiJson('POST', `/containers/${id}/stop?t=0`);

// ---------------------------------------------------------------- set-up and clean-up
const created = [];
let creating = Promise.resolve();
let cleaning;
/** Closed in cleanup: the store, and the runtimes (their sockets would keep node alive). */
const closers = [];

async function createContainers() {
  for (let start = 0; start < COUNT; start += BATCH) {
    if (cleaning) return;
    const batch = [];
    for (let i = start; i < Math.min(start + BATCH, COUNT); i++) {
      const name = `cws-bench-${runId}-${String(i).padStart(3, '0')}`;
      batch.push(apiJson('POST', `/containers/create?name=${encodeURIComponent(name)}`, {
        Image: IMAGE,
        Cmd: ['sleep', '3600'],
        Labels: { [LABEL]: '1', [RUN_LABEL]: runId },
        HostConfig: { NetworkMode: 'none' },
      }).then((c) => { created[i] = c.Id; }));
    }
    await Promise.all(batch);
  }
}

/** Closes the store and runtimes, then removes what this run created (by id and run label). Once. */
function cleanup() {
  cleaning ??= (async () => {
    for (const close of closers.splice(0).reverse()) { try { close(); } catch { /* closing anyway */ } }
    await creating.catch(() => {});
    const ids = new Set(created.filter(Boolean));
    try {
      const filters = encodeURIComponent(JSON.stringify({ label: [`${RUN_LABEL}=${runId}`] }));
      for (const c of await apiJson('GET', `/containers/json?all=1&filters=${filters}`)) ids.add(c.Id);
    } catch { /* remove what we know of */ }
    const list = [...ids];
    let failed = 0;
    for (let i = 0; i < list.length; i += BATCH) {
      const results = await Promise.allSettled(list.slice(i, i + BATCH).map((id) =>
        api('DELETE', `/containers/${id}?force=1&v=1`).then((r) => {
          if (r.status >= 400 && r.status !== 404) throw new Error(String(r.status));
        })));
      failed += results.filter((r) => r.status === 'rejected').length;
    }
    if (list.length) {
      console.log(failed
        ? `\nclean-up: ${failed} of ${list.length} bench containers could not be removed; remove them with\n` +
          `  docker rm -f $(docker ps -aq --filter label=${RUN_LABEL}=${runId})`
        : `\nclean-up: removed the ${list.length} bench containers.`);
    }
    agent.destroy();
  })();
  return cleaning;
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (interrupted) {
      console.error(`\n${sig} again: leaving now. Remove what is left with\n` +
        `  docker rm -f $(docker ps -aq --filter label=${RUN_LABEL}=${runId})`);
      process.exit(130);
    }
    interrupted = true;
    console.error(`\n${sig}: removing the bench containers (once more to leave at once) …`);
    cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- figures
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => { const s = sorted(xs); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
/** Nearest-rank 90th percentile. */
const p90 = (xs) => sorted(xs)[Math.ceil(0.9 * xs.length) - 1];
const max = (xs) => Math.max(...xs);
const f = (v) => `${v.toFixed(1).padStart(7)} ms`;
/** Wall-clock ms with sub-ms resolution, comparable with the engine's event times on this machine. */
const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- the measurement
/**
 * One operation being watched: resolves when both the engine's event (t0) and the store's change
 * with the new state followed by arrange() (t1) have been seen, whatever order they come in.
 */
let watching;

function watch(id, wantState, wantAction) {
  let resolve, reject;
  const done = new Promise((res, rej) => { resolve = res; reject = rej; });
  const w = { id, wantState, wantAction, t0: undefined, t1: undefined, arrangeMs: undefined, apiDone: undefined };
  const timer = setTimeout(() => reject(new Error(
    `${wantAction} of ${id.slice(0, 12)}: ${w.t0 === undefined ? 'no engine event' : 'no store change'} within ${OP_TIMEOUT_MS / 1000} s`)), OP_TIMEOUT_MS);
  w.check = () => { if (w.t0 !== undefined && w.t1 !== undefined) { clearTimeout(timer); resolve(w); } };
  watching = w;
  const settled = done.finally(() => { if (watching === w) watching = undefined; });
  settled.catch(() => {}); // awaited by the caller once its API call returns
  return { w, done: settled };
}

async function main() {
  console.log(`${NAME}: building out/ (node esbuild.mjs --tests) …`);
  const build = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) fail('node esbuild.mjs --tests failed (someone may be mid-edit in src/: retry in a minute).');

  const { DockerRuntime } = require(join(root, 'out/src/runtime/docker/dockerRuntime.js'));
  const { ContainerStore } = require(join(root, 'out/src/runtime/live/containerStore.js'));
  const { arrange } = require(join(root, 'out/src/views/containers/grouping.js'));

  let version;
  try {
    version = await apiJson('GET', '/version');
  } catch (err) {
    fail(`no engine answers at ${engineUrl} (${err.message}).`);
  }
  const image = await api('GET', `/images/${encodeURIComponent(IMAGE)}/json`);
  if (image.status === 404) {
    fail(`the image ${IMAGE} is not on ${engineUrl}: run \`bash scripts/setup-engines.sh\` first` +
      (process.env.DOCKER_HOST ? ` (it imports into the default engines; for this one, then run\n  DOCKER_HOST=${engineUrl} docker import /tmp/cws-engines/busybox-rootfs.tar ${IMAGE})` : '.'));
  }

  try {
    const before = (await apiJson('GET', '/containers/json?all=1')).length;
    let t = Date.now();
    creating = createContainers();
    await creating;
    if (cleaning) return;
    await Promise.all(created.slice(0, RUNNING).map(startContainer));
    console.log(`${NAME}: created ${created.length} containers (${IMAGE}, label ${LABEL}=1) in ${Date.now() - t} ms, ` +
      `in batches of ${BATCH}, ${RUNNING} of them started; ${before} were there already.`);

    // The store, as the view holds it, on its own runtime; counted lists (full or by ids).
    const storeRt = new DockerRuntime('docker', engine.endpoint);
    closers.push(() => storeRt.close());
    const lists = { full: 0, byIds: 0, ids: 0 };
    const list = storeRt.listContainers.bind(storeRt);
    storeRt.listContainers = (options = {}, ...rest) => {
      if (options.ids) { lists.byIds++; lists.ids += options.ids.length; } else lists.full++;
      return list(options, ...rest);
    };
    const store = new ContainerStore({ log: (m) => console.error(`${NAME}: store: ${m}`) });
    closers.push(() => store.dispose());

    // The watcher: a second runtime's event stream, for the engine's timestamps.
    const eventsRt = new DockerRuntime('docker', engine.endpoint);
    closers.push(() => eventsRt.close());
    const tally = {};
    let tallying = false;
    const sub = eventsRt.subscribeEvents((e) => {
      if (tallying) tally[e.action] = (tally[e.action] ?? 0) + 1;
      const w = watching;
      if (!w) return;
      if (w.burst) { if (w.ids.has(e.id) && e.action === 'start') { w.first = Math.min(w.first ?? Infinity, e.time); w.events++; } return; }
      if (e.id === w.id && e.action === w.wantAction && w.t0 === undefined) { w.t0 = e.time; w.check(); }
    }, (err) => console.error(`${NAME}: watcher's event stream failed: ${err.message}`));
    closers.push(() => sub.close());

    let arrangeCalls = 0;
    store.onDidChange((change) => {
      const w = watching;
      if (!w) return;
      if (w.burst) {
        if (w.t1 !== undefined) return;
        if (![...change.updated.map((u) => u.after), ...change.added].some((c) => w.ids.has(c.id))) return;
        const a = now();
        arrange(store.containers, [], '');
        arrangeCalls++;
        const end = now();
        w.arranges.push(end - a);
        if ([...w.ids].every((id) => store.get(id)?.state === 'running')) { w.t1 = end; w.check(); }
        return;
      }
      if (w.t1 !== undefined) return;
      const hit = change.updated.find((u) => u.after.id === w.id && u.after.state === w.wantState);
      if (!hit) return;
      const a = now();
      arrange(store.containers, [], '');
      arrangeCalls++;
      w.t1 = now();
      w.arrangeMs = w.t1 - a;
      w.check();
    });

    const release = store.acquire();
    closers.push(release);
    store.setRuntime(storeRt);
    t = now();
    await store.whenSettled();
    const settleMs = now() - t;
    if (store.error) throw new Error(`the store failed to list: ${store.error.message}`);
    const ownInStore = created.filter((id) => store.get(id)).length;
    console.log(`${NAME}: the store holds ${store.size} containers (${ownInStore} of the ${created.length} bench ones), ` +
      `first list in ${settleMs.toFixed(0)} ms; streaming: ${store.streaming}.`);
    if (ownInStore < created.length || store.size < COUNT) {
      throw new Error(`the store holds ${store.size} containers, ${ownInStore} of the bench ones; expected ≥ ${COUNT}.`);
    }

    // One operation at a time: start a stopped bench container, then stop it again; next one.
    const pool = created.slice(RUNNING + BURST); // the burst takes created[RUNNING .. RUNNING+BURST)
    let next = 0;
    let current;
    async function operate(kind) {
      let id;
      if (kind === 'start') { id = pool[next++ % pool.length]; current = id; } else id = current;
      const { w, done } = kind === 'start' ? watch(id, 'running', 'start') : watch(id, 'exited', 'die');
      const call = now();
      await (kind === 'start' ? startContainer(id) : stopContainer(id));
      w.apiDone = now();
      w.apiMs = w.apiDone - call;
      return done;
    }
    for (let i = 0; i < WARMUPS && !cleaning; i++) await operate(i % 2 ? 'stop' : 'start');
    if (WARMUPS % 2) await operate('stop');
    if (cleaning) return;

    const reqBefore = store.requests;
    const listsBefore = { ...lists };
    const arrangesBefore = arrangeCalls;
    const results = [];
    tallying = true;
    for (let i = 0; i < OPS && !cleaning; i++) results.push({ kind: i % 2 ? 'stop' : 'start', ...(await operate(i % 2 ? 'stop' : 'start')) });
    if (OPS % 2 && !cleaning) await operate('stop');
    if (cleaning) return;
    await new Promise((r) => setTimeout(r, 200)); // the last stop's trailing events
    tallying = false;
    const opRequests = store.requests - reqBefore;
    const opLists = { full: lists.full - listsBefore.full, byIds: lists.byIds - listsBefore.byIds, ids: lists.ids - listsBefore.ids };
    const opArranges = arrangeCalls - arrangesBefore;

    // The burst: BURST stopped containers started at once.
    const burstIds = created.slice(RUNNING, RUNNING + BURST);
    let burst;
    {
      let resolve, reject;
      const done = new Promise((res, rej) => { resolve = res; reject = rej; });
      done.catch(() => {}); // awaited once the API calls return
      const w = { burst: true, ids: new Set(burstIds), first: undefined, events: 0, t1: undefined, arranges: [] };
      const timer = setTimeout(() => reject(new Error(`burst: ${w.events} of ${BURST} start events, the store not all running within ${OP_TIMEOUT_MS / 1000} s`)), OP_TIMEOUT_MS);
      w.check = () => { if (w.t1 !== undefined && w.events === BURST) { clearTimeout(timer); resolve(); } };
      const req0 = store.requests;
      const lists0 = { ...lists };
      watching = w;
      const call = now();
      await Promise.all(burstIds.map(startContainer));
      const apisDone = now();
      // The last start event may come after the store already shows all running: wait for it.
      const poll = setInterval(() => w.check(), 5);
      try { await done; } finally { clearInterval(poll); watching = undefined; }
      burst = {
        ms: w.t1 - w.first, apiMs: apisDone - call, afterApiMs: w.t1 - apisDone,
        requests: store.requests - req0, full: lists.full - lists0.full, byIds: lists.byIds - lists0.byIds, ids: lists.ids - lists0.ids,
        arranges: w.arranges.length,
      };
    }

    // ---------------------------------------------------------------- report
    const tree = results.map((r) => r.t1 - r.t0);
    const afterApi = results.map((r) => r.t1 - r.apiDone);
    const arr = results.map((r) => r.arrangeMs);
    const byKind = (k) => results.filter((r) => r.kind === k).map((r) => r.t1 - r.t0);
    const engineName = `${version.Platform?.Name || 'Docker Engine'} ${version.Version}, API ${version.ApiVersion}`;
    const p = p90(tree);
    console.log(`\nengine      ${engineUrl} (${engineName})`);
    console.log(`store       ${store.size} containers (${created.length} bench + ${store.size - created.length} others)`);
    console.log(`operations  ${results.length} one at a time (start / stop?t=0 alternately, over node:http), after ${WARMUPS} warm-ups\n`);
    console.log(`                                                   median        p90        max`);
    console.log(`event → store change + arrange()  (all)          ${f(median(tree))}  ${f(p)}  ${f(max(tree))}`);
    console.log(`  start  (event "start" → state running)         ${f(median(byKind('start')))}  ${f(p90(byKind('start')))}  ${f(max(byKind('start')))}`);
    console.log(`  stop   (event "die" → state exited)            ${f(median(byKind('stop')))}  ${f(p90(byKind('stop')))}  ${f(max(byKind('stop')))}`);
    console.log(`API call returned → store change + arrange()     ${f(median(afterApi))}  ${f(p90(afterApi))}  ${f(max(afterApi))}`);
    console.log(`arrange() alone, ${String(store.size).padEnd(4)} containers               ${f(median(arr))}  ${f(p90(arr))}  ${f(max(arr))}`);
    console.log(`\nevent → tree p90 ${p.toFixed(1)} ms  (target p90 ≤ 150 ms: ${p <= 150 ? 'met' : 'MISSED'})`);
    console.log(`list requests during the ${results.length} operations: ${opRequests} (store.requests); ` +
      `${opLists.byIds} by ids (${opLists.ids} ids in all), ${opLists.full} full; ` +
      `${opArranges} store changes for our ids`);
    console.log(`container events the engine sent meanwhile: ${Object.values(tally).reduce((a, b) => a + b, 0)} ` +
      `(${Object.entries(tally).map(([k, v]) => `${k} ${v}`).join(', ')})`);
    console.log(`\nburst       ${BURST} containers started at once`);
    console.log(`first "start" event → store holds all ${BURST} running (+ arrange())  ${f(burst.ms)}`);
    console.log(`the ${BURST} API calls took ${burst.apiMs.toFixed(1)} ms; last one returned → all running in the store ${burst.afterApiMs.toFixed(1)} ms`);
    console.log(`list requests: ${burst.requests} (${burst.byIds} by ids, ${burst.ids} ids in all, ${burst.full} full); ` +
      `${burst.arranges} store changes touching them`);
  } finally {
    await cleanup();
  }
}

main().catch(async (err) => {
  console.error(`\n${NAME} failed: ${err?.stack ?? err}`);
  await cleanup().catch(() => {});
  process.exit(1);
});

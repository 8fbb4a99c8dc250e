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
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BATCH, IMAGE, LABEL, describeEngine, median, ms, openBench, p90, root } from './lib/benchEngine.mjs';

const require = createRequire(join(root, 'package.json'));
const COUNT = Number(process.env.CWS_BENCH_CONTAINERS || 500);
const OPS = Number(process.env.CWS_BENCH_OPS || 60);
const BURST = Number(process.env.CWS_BENCH_BURST || 20);
const WARMUPS = 4;
const RUNNING = 5; // started before the store connects, so the list holds both states
const OP_TIMEOUT_MS = 15_000;
const NAME = 'bench:tree';

const bench = openBench({ name: NAME, maxSockets: Math.max(BATCH, BURST) });
/** bench.closers: the store and the runtimes, closed first in cleanup (their sockets would keep node alive). */
const { apiJson, created, closers, cleanup, engine, engineUrl } = bench;

const startContainer = (id) => apiJson('POST', `/containers/${id}/start`);
const stopContainer = (id) => apiJson('POST', `/containers/${id}/stop?t=0`);

// ---------------------------------------------------------------- figures
const max = (xs) => Math.max(...xs);
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
  const done = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const w = { id, wantState, wantAction, t0: undefined, t1: undefined, arrangeMs: undefined, apiDone: undefined };
  const timer = setTimeout(
    () =>
      reject(
        new Error(
          `${wantAction} of ${id.slice(0, 12)}: ${w.t0 === undefined ? 'no engine event' : 'no store change'} within ${OP_TIMEOUT_MS / 1000} s`,
        ),
      ),
    OP_TIMEOUT_MS,
  );
  w.check = () => {
    if (w.t0 !== undefined && w.t1 !== undefined) {
      clearTimeout(timer);
      resolve(w);
    }
  };
  watching = w;
  const settled = done.finally(() => {
    if (watching === w) watching = undefined;
  });
  settled.catch(() => {}); // awaited by the caller once its API call returns
  return { w, done: settled };
}

async function main() {
  bench.build();

  const { DockerRuntime } = require(join(root, 'out/src/core/runtime/docker/dockerRuntime.js'));
  const { ContainerStore } = require(join(root, 'out/src/core/live/containerStore.js'));
  const { arrange } = require(join(root, 'out/src/core/live/grouping.js'));

  const version = await bench.checkEngine();

  try {
    const before = (await apiJson('GET', '/containers/json?all=1')).length;
    let t = Date.now();
    await bench.createContainers(COUNT);
    if (bench.cleaning) return;
    await Promise.all(created.slice(0, RUNNING).map(startContainer));
    console.log(
      `${NAME}: created ${created.length} containers (${IMAGE}, label ${LABEL}=1) in ${Date.now() - t} ms, ` +
        `in batches of ${BATCH}, ${RUNNING} of them started; ${before} were there already.`,
    );

    // The store, as the view holds it, on its own runtime; counted lists (full or by ids).
    const storeRt = new DockerRuntime('docker', engine.endpoint);
    closers.push(() => storeRt.close());
    const lists = { full: 0, byIds: 0, ids: 0 };
    const list = storeRt.listContainers.bind(storeRt);
    storeRt.listContainers = (options = {}, ...rest) => {
      if (options.ids) {
        lists.byIds++;
        lists.ids += options.ids.length;
      } else lists.full++;
      return list(options, ...rest);
    };
    const store = new ContainerStore({ log: (m) => console.error(`${NAME}: store: ${m}`) });
    closers.push(() => store.dispose());

    // The watcher: a second runtime's event stream, for the engine's timestamps.
    const eventsRt = new DockerRuntime('docker', engine.endpoint);
    closers.push(() => eventsRt.close());
    const tally = {};
    let tallying = false;
    const sub = eventsRt.subscribeEvents(
      (e) => {
        if (tallying) tally[e.action] = (tally[e.action] ?? 0) + 1;
        const w = watching;
        if (!w) return;
        if (w.burst) {
          if (w.ids.has(e.id) && e.action === 'start') {
            w.first = Math.min(w.first ?? Infinity, e.time);
            w.events++;
          }
          return;
        }
        if (e.id === w.id && e.action === w.wantAction && w.t0 === undefined) {
          w.t0 = e.time;
          w.check();
        }
      },
      (err) => console.error(`${NAME}: watcher's event stream failed: ${err.message}`),
    );
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
        if ([...w.ids].every((id) => store.get(id)?.state === 'running')) {
          w.t1 = end;
          w.check();
        }
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
    console.log(
      `${NAME}: the store holds ${store.size} containers (${ownInStore} of the ${created.length} bench ones), ` +
        `first list in ${settleMs.toFixed(0)} ms; streaming: ${store.streaming}.`,
    );
    if (ownInStore < created.length || store.size < COUNT) {
      throw new Error(
        `the store holds ${store.size} containers, ${ownInStore} of the bench ones; expected ≥ ${COUNT}.`,
      );
    }

    // One operation at a time: start a stopped bench container, then stop it again; next one.
    const pool = created.slice(RUNNING + BURST); // the burst takes created[RUNNING .. RUNNING+BURST)
    let next = 0;
    let current;
    async function operate(kind) {
      let id;
      if (kind === 'start') {
        id = pool[next++ % pool.length];
        current = id;
      } else id = current;
      const { w, done } = kind === 'start' ? watch(id, 'running', 'start') : watch(id, 'exited', 'die');
      const call = now();
      await (kind === 'start' ? startContainer(id) : stopContainer(id));
      w.apiDone = now();
      w.apiMs = w.apiDone - call;
      return done;
    }
    for (let i = 0; i < WARMUPS && !bench.cleaning; i++) await operate(i % 2 ? 'stop' : 'start');
    if (WARMUPS % 2) await operate('stop');
    if (bench.cleaning) return;

    const reqBefore = store.requests;
    const listsBefore = { ...lists };
    const arrangesBefore = arrangeCalls;
    const results = [];
    tallying = true;
    for (let i = 0; i < OPS && !bench.cleaning; i++)
      results.push({ kind: i % 2 ? 'stop' : 'start', ...(await operate(i % 2 ? 'stop' : 'start')) });
    if (OPS % 2 && !bench.cleaning) await operate('stop');
    if (bench.cleaning) return;
    await new Promise((r) => setTimeout(r, 200)); // the last stop's trailing events
    tallying = false;
    const opRequests = store.requests - reqBefore;
    const opLists = {
      full: lists.full - listsBefore.full,
      byIds: lists.byIds - listsBefore.byIds,
      ids: lists.ids - listsBefore.ids,
    };
    const opArranges = arrangeCalls - arrangesBefore;

    // The burst: BURST stopped containers started at once.
    const burstIds = created.slice(RUNNING, RUNNING + BURST);
    let burst;
    {
      let resolve, reject;
      const done = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
      });
      done.catch(() => {}); // awaited once the API calls return
      const w = { burst: true, ids: new Set(burstIds), first: undefined, events: 0, t1: undefined, arranges: [] };
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `burst: ${w.events} of ${BURST} start events, the store not all running within ${OP_TIMEOUT_MS / 1000} s`,
            ),
          ),
        OP_TIMEOUT_MS,
      );
      w.check = () => {
        if (w.t1 !== undefined && w.events === BURST) {
          clearTimeout(timer);
          resolve();
        }
      };
      const req0 = store.requests;
      const lists0 = { ...lists };
      watching = w;
      const call = now();
      await Promise.all(burstIds.map(startContainer));
      const apisDone = now();
      // The last start event may come after the store already shows all running: wait for it.
      const poll = setInterval(() => w.check(), 5);
      try {
        await done;
      } finally {
        clearInterval(poll);
        watching = undefined;
      }
      burst = {
        ms: w.t1 - w.first,
        apiMs: apisDone - call,
        afterApiMs: w.t1 - apisDone,
        requests: store.requests - req0,
        full: lists.full - lists0.full,
        byIds: lists.byIds - lists0.byIds,
        ids: lists.ids - lists0.ids,
        arranges: w.arranges.length,
      };
    }

    // ---------------------------------------------------------------- report
    const tree = results.map((r) => r.t1 - r.t0);
    const afterApi = results.map((r) => r.t1 - r.apiDone);
    const arr = results.map((r) => r.arrangeMs);
    const byKind = (k) => results.filter((r) => r.kind === k).map((r) => r.t1 - r.t0);
    const p = p90(tree);
    console.log(`\nengine      ${engineUrl} (${describeEngine(version)})`);
    console.log(
      `store       ${store.size} containers (${created.length} bench + ${store.size - created.length} others)`,
    );
    console.log(
      `operations  ${results.length} one at a time (start / stop?t=0 alternately, over node:http), after ${WARMUPS} warm-ups\n`,
    );
    console.log(`                                                   median        p90        max`);
    console.log(`event → store change + arrange()  (all)          ${ms(median(tree))}  ${ms(p)}  ${ms(max(tree))}`);
    console.log(
      `  start  (event "start" → state running)         ${ms(median(byKind('start')))}  ${ms(p90(byKind('start')))}  ${ms(max(byKind('start')))}`,
    );
    console.log(
      `  stop   (event "die" → state exited)            ${ms(median(byKind('stop')))}  ${ms(p90(byKind('stop')))}  ${ms(max(byKind('stop')))}`,
    );
    console.log(
      `API call returned → store change + arrange()     ${ms(median(afterApi))}  ${ms(p90(afterApi))}  ${ms(max(afterApi))}`,
    );
    console.log(
      `arrange() alone, ${String(store.size).padEnd(4)} containers               ${ms(median(arr))}  ${ms(p90(arr))}  ${ms(max(arr))}`,
    );
    console.log(`\nevent → tree p90 ${p.toFixed(1)} ms  (target p90 ≤ 150 ms: ${p <= 150 ? 'met' : 'MISSED'})`);
    console.log(
      `list requests during the ${results.length} operations: ${opRequests} (store.requests); ` +
        `${opLists.byIds} by ids (${opLists.ids} ids in all), ${opLists.full} full; ` +
        `${opArranges} store changes for our ids`,
    );
    console.log(
      `container events the engine sent meanwhile: ${Object.values(tally).reduce((a, b) => a + b, 0)} ` +
        `(${Object.entries(tally)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')})`,
    );
    console.log(`\nburst       ${BURST} containers started at once`);
    console.log(`first "start" event → store holds all ${BURST} running (+ arrange())  ${ms(burst.ms)}`);
    console.log(
      `the ${BURST} API calls took ${burst.apiMs.toFixed(1)} ms; last one returned → all running in the store ${burst.afterApiMs.toFixed(1)} ms`,
    );
    console.log(
      `list requests: ${burst.requests} (${burst.byIds} by ids, ${burst.ids} ids in all, ${burst.full} full); ` +
        `${burst.arranges} store changes touching them`,
    );
  } finally {
    await cleanup();
  }
}

bench.run(main);

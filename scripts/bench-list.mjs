// `npm run bench:list`: figures, not pass/fail. Lists every container of one engine three ways,
// side by side in one run, with 200 bench containers created for the purpose:
//   raw        GET /containers/json?all=1 over node:http, body read and JSON-parsed
//   ours       DockerRuntime.listContainers({ all: true }) (out/src, built with --tests)
//   Microsoft  @microsoft/vscode-container-client's DockerClient.listContainers, run by its
//              ShellStreamCommandRunnerFactory: spawns `docker container ls`, parses JSON lines
// Compare with ../shared/reference/performance-facts.md (200 containers: dockerode 28 ms, the
// Microsoft client 88 ms). Targets: ours / raw ≤ 1.3×, Microsoft / ours ≥ 3×.
// Engine: DOCKER_HOST (unix:// or tcp://) if set, else unix:///var/run/docker.sock.
// CWS_BENCH_RUNS (default 15) and CWS_BENCH_CONTAINERS (default 200) change the sizes.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const RUNS = Number(process.env.CWS_BENCH_RUNS || 15);
const WARMUPS = 2;
const COUNT = Number(process.env.CWS_BENCH_CONTAINERS || 200);
const BATCH = 20;
const IMAGE = 'localhost/cws-test/busybox:latest';
const LABEL = 'dev.containerworkspaces.bench';
const RUN_LABEL = 'dev.containerworkspaces.bench.run';
const runId = `${process.pid}-${randomBytes(3).toString('hex')}`;

// ---------------------------------------------------------------- engine address
const engineUrl = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
/** Where node:http connects, and the endpoint our DockerRuntime takes. */
function parseEngine(url) {
  const m = /^(unix|tcp|http):\/\/(.+)$/i.exec(url.trim());
  if (!m) {
    fail(`it needs a local engine address (unix:///path or tcp://host:port); DOCKER_HOST is "${url}".`);
  }
  if (m[1].toLowerCase() === 'unix') return { http: { socketPath: m[2] }, endpoint: { url, socketPath: m[2] } };
  const u = new URL(`http://${m[2]}`);
  const port = Number(u.port || 2375);
  return { http: { host: u.hostname, port }, endpoint: { url, protocol: 'http', host: u.hostname, port } };
}

function fail(message) {
  console.error(`\nbench:list: ${message}`);
  process.exit(1);
}

const engine = parseEngine(engineUrl);
const agent = new Agent({ keepAlive: true, maxSockets: BATCH });

/** One Engine API call; resolves to { status, body (Buffer) }. */
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

// ---------------------------------------------------------------- the three contenders
/** 1. raw: the list call itself, nothing else. */
async function rawList() {
  const r = await api('GET', '/containers/json?all=1');
  if (r.status !== 200) throw new Error(`GET /containers/json: ${r.status} ${r.body}`);
  return JSON.parse(r.body.toString('utf8'));
}

/** Microsoft's client asks for `vscode` (ShellQuoting, and FileType at load time); a stub answers. */
function installVscodeStub() {
  const stub = Object.freeze({
    ShellQuoting: Object.freeze({ Escape: 1, Strong: 2, Weak: 3 }),
    FileType: Object.freeze({ Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 }),
  });
  const load = Module._load;
  Module._load = function (requested, ...rest) {
    return requested === 'vscode' ? stub : load.call(this, requested, ...rest);
  };
}

// ---------------------------------------------------------------- set-up and clean-up
const created = new Set();
let creating = Promise.resolve();
let cleaning;

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
      }).then((c) => { created.add(c.Id); }));
    }
    await Promise.all(batch);
  }
}

/** Removes what this run created (by id and by its run label), in parallel batches. Runs once. */
function cleanup() {
  cleaning ??= (async () => {
    await creating.catch(() => {});
    try {
      const filters = encodeURIComponent(JSON.stringify({ label: [`${RUN_LABEL}=${runId}`] }));
      for (const c of await apiJson('GET', `/containers/json?all=1&filters=${filters}`)) created.add(c.Id);
    } catch { /* remove what we know of */ }
    const ids = [...created];
    let failed = 0;
    for (let i = 0; i < ids.length; i += BATCH) {
      const results = await Promise.allSettled(ids.slice(i, i + BATCH).map((id) =>
        api('DELETE', `/containers/${id}?force=1&v=1`).then((r) => {
          if (r.status >= 400 && r.status !== 404) throw new Error(String(r.status));
        })));
      failed += results.filter((r) => r.status === 'rejected').length;
    }
    if (ids.length) {
      console.log(failed
        ? `\nclean-up: ${failed} of ${ids.length} bench containers could not be removed; remove them with\n` +
          `  docker rm -f $(docker ps -aq --filter label=${RUN_LABEL}=${runId})`
        : `\nclean-up: removed the ${ids.length} bench containers.`);
    }
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
const ms = (v) => `${v.toFixed(1).padStart(7)} ms`;

async function time(fn) {
  const t = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, result };
}

function compareIds(lists) {
  const sets = Object.fromEntries(Object.entries(lists).map(([k, ids]) => [k, new Set(ids)]));
  const union = new Set(Object.values(sets).flatMap((s) => [...s]));
  const problems = [];
  for (const [k, s] of Object.entries(sets)) {
    const missing = [...union].filter((id) => !s.has(id));
    const ownMissing = [...created].filter((id) => !s.has(id));
    if (missing.length) problems.push(`${k} lacks ${missing.length}: ${missing.slice(0, 5).map((id) => id.slice(0, 12)).join(', ')}${missing.length > 5 ? ' …' : ''}`);
    if (ownMissing.length) problems.push(`${k} lacks ${ownMissing.length} of the bench containers`);
    if (s.size !== lists[k].length) problems.push(`${k} lists ${lists[k].length - s.size} ids twice`);
  }
  return { problems, size: union.size };
}

async function main() {
  console.log('bench:list: building out/ (node esbuild.mjs --tests) …');
  const build = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) fail('node esbuild.mjs --tests failed (someone may be mid-edit in src/: retry in a minute).');

  const { DockerRuntime } = require(join(root, 'out/src/runtime/docker/dockerRuntime.js'));
  installVscodeStub();
  const containerClient = require('@microsoft/vscode-container-client');
  const { NoShell } = require('@microsoft/vscode-processutils');
  const msVersion = require('@microsoft/vscode-container-client/package.json').version;

  // The engine, the image, the docker CLI.
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
  const cliEnv = { ...process.env, DOCKER_HOST: engineUrl };
  delete cliEnv.DOCKER_CONTEXT;
  const cli = spawnSync('docker', ['version', '--format', '{{.Client.Version}}'], { env: cliEnv, encoding: 'utf8' });
  if (cli.error || cli.status !== 0) fail(`the docker CLI does not run (${cli.error?.message ?? cli.stderr.trim()}); Microsoft's client needs it.`);

  // 1. raw is above; 2. ours; 3. Microsoft's, driven as its own integration tests and the Docker
  // extension's runner drive it: a DockerClient builds `docker container ls --all --no-trunc
  // --format "{{json .}}" --size=false`, ShellStreamCommandRunnerFactory spawns it (NoShell,
  // shell: false: `docker` itself, no bash in between) and parses each JSON line with zod
  // (strict: a record that does not parse throws instead of being dropped).
  const ours = new DockerRuntime('docker', engine.endpoint);
  const msClient = new containerClient.DockerClient();
  const msRun = new containerClient.ShellStreamCommandRunnerFactory({ strict: true, shell: false, shellProvider: new NoShell(), env: cliEnv }).getCommandRunner();
  const contenders = [
    { key: 'raw', label: 'raw GET /containers/json?all=1 (node:http)', list: rawList, ids: (l) => l.map((c) => c.Id) },
    { key: 'ours', label: 'ours: DockerRuntime.listContainers', list: () => ours.listContainers({ all: true }), ids: (l) => l.map((c) => c.id) },
    { key: 'microsoft', label: `Microsoft vscode-container-client ${msVersion} (docker CLI)`, list: () => msRun(msClient.listContainers({ all: true })), ids: (l) => l.map((c) => c.id) },
  ];

  try {
    const before = (await rawList()).length;
    const t0 = Date.now();
    creating = createContainers();
    await creating;
    if (cleaning) return;
    console.log(`bench:list: created ${created.size} containers (${IMAGE}, label ${LABEL}=1) in ${Date.now() - t0} ms, ` +
      `in batches of ${BATCH}; ${before} were there already.`);

    // Same set of ids from all three. Other people's containers may come and go on a shared
    // engine between calls: a mismatch must survive three tries before it counts.
    let check;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const lists = {};
      for (const c of contenders) lists[c.key] = c.ids(await c.list());
      check = compareIds(lists);
      if (!check.problems.length) break;
    }
    if (check.problems.length) {
      console.error('\n!!!!!!!! MISMATCH: the three lists do not hold the same container ids !!!!!!!!');
      for (const p of check.problems) console.error(`!!! ${p}`);
      process.exitCode = 1;
      return;
    }
    console.log(`bench:list: all three list the same ${check.size} container ids.`);

    // Warm-ups, then rounds with the order rotated so no contender always goes first.
    for (let w = 0; w < WARMUPS; w++) for (const c of contenders) await c.list();
    const times = Object.fromEntries(contenders.map((c) => [c.key, []]));
    for (let r = 0; r < RUNS && !cleaning; r++) {
      for (let j = 0; j < contenders.length; j++) {
        const c = contenders[(r + j) % contenders.length];
        times[c.key].push((await time(c.list)).ms);
      }
    }
    if (cleaning) return;
    const bytes = (await api('GET', '/containers/json?all=1')).body.length;

    const engineName = `${version.Platform?.Name || 'Docker Engine'} ${version.Version}, API ${version.ApiVersion}`;
    console.log(`\nengine   ${engineUrl} (${engineName}); docker CLI ${cli.stdout.trim()}`);
    console.log(`list     ${check.size} containers (${COUNT} bench + ${check.size - COUNT} others), ${(bytes / 1024).toFixed(0)} KB of JSON`);
    console.log(`runs     median and p90 of ${RUNS}, after ${WARMUPS} warm-ups each, interleaved\n`);
    const width = Math.max(...contenders.map((c) => c.label.length));
    console.log(`${''.padEnd(width)}     median        p90`);
    const med = {};
    for (const c of contenders) {
      med[c.key] = median(times[c.key]);
      console.log(`${c.label.padEnd(width)}  ${ms(med[c.key])}  ${ms(p90(times[c.key]))}`);
    }
    const oursRaw = med.ours / med.raw;
    const msOurs = med.microsoft / med.ours;
    console.log(`\nours / raw        ${oursRaw.toFixed(2)}×  (target ≤ 1.3×: ${oursRaw <= 1.3 ? 'met' : 'MISSED'})`);
    console.log(`Microsoft / ours  ${msOurs.toFixed(2)}×  (target ≥ 3×: ${msOurs >= 3 ? 'met' : 'MISSED'})`);
    console.log('(figures to compare: ../shared/reference/performance-facts.md, "Listing")');
  } finally {
    ours.close();
    await cleanup();
    agent.destroy();
  }
}

main().catch(async (err) => {
  console.error(`\nbench:list failed: ${err?.stack ?? err}`);
  await cleanup().catch(() => {});
  agent.destroy();
  process.exit(1);
});

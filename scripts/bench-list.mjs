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
import { createRequire } from 'node:module';
import Module from 'node:module';
import { join } from 'node:path';
import { BATCH, IMAGE, LABEL, describeEngine, median, ms, openBench, p90, root } from './lib/benchEngine.mjs';

const require = createRequire(join(root, 'package.json'));
const RUNS = Number(process.env.CWS_BENCH_RUNS || 15);
const WARMUPS = 2;
const COUNT = Number(process.env.CWS_BENCH_CONTAINERS || 200);

const bench = openBench({ name: 'bench:list' });
const { api, created, cleanup, engine, engineUrl, fail } = bench;

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

// ---------------------------------------------------------------- figures
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
    if (missing.length)
      problems.push(
        `${k} lacks ${missing.length}: ${missing
          .slice(0, 5)
          .map((id) => id.slice(0, 12))
          .join(', ')}${missing.length > 5 ? ' …' : ''}`,
      );
    if (ownMissing.length) problems.push(`${k} lacks ${ownMissing.length} of the bench containers`);
    if (s.size !== lists[k].length) problems.push(`${k} lists ${lists[k].length - s.size} ids twice`);
  }
  return { problems, size: union.size };
}

async function main() {
  bench.build();

  const { DockerRuntime } = require(join(root, 'out/src/core/runtime/docker/dockerRuntime.js'));
  installVscodeStub();
  const containerClient = require('@microsoft/vscode-container-client');
  const { NoShell } = require('@microsoft/vscode-processutils');
  const msVersion = require('@microsoft/vscode-container-client/package.json').version;

  // The engine, the image, the docker CLI.
  const version = await bench.checkEngine();
  const cliEnv = { ...process.env, DOCKER_HOST: engineUrl };
  delete cliEnv.DOCKER_CONTEXT;
  const cli = spawnSync('docker', ['version', '--format', '{{.Client.Version}}'], { env: cliEnv, encoding: 'utf8' });
  if (cli.error || cli.status !== 0)
    fail(`the docker CLI does not run (${cli.error?.message ?? cli.stderr.trim()}); Microsoft's client needs it.`);

  // 1. raw is above; 2. ours; 3. Microsoft's, driven as its own integration tests and the Docker
  // extension's runner drive it: a DockerClient builds `docker container ls --all --no-trunc
  // --format "{{json .}}" --size=false`, ShellStreamCommandRunnerFactory spawns it (NoShell,
  // shell: false: `docker` itself, no bash in between) and parses each JSON line with zod
  // (strict: a record that does not parse throws instead of being dropped).
  const ours = new DockerRuntime('docker', engine.endpoint);
  const msClient = new containerClient.DockerClient();
  const msRun = new containerClient.ShellStreamCommandRunnerFactory({
    strict: true,
    shell: false,
    shellProvider: new NoShell(),
    env: cliEnv,
  }).getCommandRunner();
  const contenders = [
    { key: 'raw', label: 'raw GET /containers/json?all=1 (node:http)', list: rawList, ids: (l) => l.map((c) => c.Id) },
    {
      key: 'ours',
      label: 'ours: DockerRuntime.listContainers',
      list: () => ours.listContainers({ all: true }),
      ids: (l) => l.map((c) => c.id),
    },
    {
      key: 'microsoft',
      label: `Microsoft vscode-container-client ${msVersion} (docker CLI)`,
      list: () => msRun(msClient.listContainers({ all: true })),
      ids: (l) => l.map((c) => c.id),
    },
  ];

  try {
    const before = (await rawList()).length;
    const t0 = Date.now();
    await bench.createContainers(COUNT);
    if (bench.cleaning) return;
    console.log(
      `bench:list: created ${created.length} containers (${IMAGE}, label ${LABEL}=1) in ${Date.now() - t0} ms, ` +
        `in batches of ${BATCH}; ${before} were there already.`,
    );

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
    for (let r = 0; r < RUNS && !bench.cleaning; r++) {
      for (let j = 0; j < contenders.length; j++) {
        const c = contenders[(r + j) % contenders.length];
        times[c.key].push((await time(c.list)).ms);
      }
    }
    if (bench.cleaning) return;
    const bytes = (await api('GET', '/containers/json?all=1')).body.length;

    console.log(`\nengine   ${engineUrl} (${describeEngine(version)}); docker CLI ${cli.stdout.trim()}`);
    console.log(
      `list     ${check.size} containers (${COUNT} bench + ${check.size - COUNT} others), ${(bytes / 1024).toFixed(0)} KB of JSON`,
    );
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
  }
}

bench.run(main);

// What the engine benches (scripts/bench-list.mjs, scripts/bench-tree.mjs) share: the engine
// address (DOCKER_HOST, unix:// or tcp://, else unix:///var/run/docker.sock), Engine API calls over
// node:http, bench containers created in batches with dev.containerworkspaces.bench=1 and a run
// label, their removal (at the end, on error and on SIGINT / SIGTERM / SIGHUP), and the figures.
//
//   const bench = openBench({ name: 'bench:xyz' });   // messages start with "bench:xyz: "
//   await bench.checkEngine();                         // the engine answers and has IMAGE
//   await bench.createContainers(200);                 // ids land in bench.created[i]
//   … measure, stop early when bench.cleaning …
//   await bench.cleanup();                             // closers, then the containers; once
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const IMAGE = 'localhost/cws-test/busybox:latest';
export const LABEL = 'dev.containerworkspaces.bench';
export const RUN_LABEL = 'dev.containerworkspaces.bench.run';
/** How many containers are created or removed at once. */
export const BATCH = 20;

/**
 * Where node:http connects (`http`), and the endpoint a DockerRuntime takes (`endpoint`);
 * calls `fail` for an address that is neither unix:// nor tcp:// (http://).
 */
export function parseEngine(url, fail) {
  const m = /^(unix|tcp|http):\/\/(.+)$/i.exec(url.trim());
  if (!m) fail(`it needs a local engine address (unix:///path or tcp://host:port); DOCKER_HOST is "${url}".`);
  if (m[1].toLowerCase() === 'unix') return { http: { socketPath: m[2] }, endpoint: { url, socketPath: m[2] } };
  const u = new URL(`http://${m[2]}`);
  const port = Number(u.port || 2375);
  return { http: { host: u.hostname, port }, endpoint: { url, protocol: 'http', host: u.hostname, port } };
}

/** "Docker Engine 20.10.24, API 1.41" from GET /version's answer. */
export const describeEngine = (version) =>
  `${version.Platform?.Name || 'Docker Engine'} ${version.Version}, API ${version.ApiVersion}`;

// ---------------------------------------------------------------- figures
const sorted = (xs) => [...xs].sort((a, b) => a - b);
export const median = (xs) => {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Nearest-rank 90th percentile. */
export const p90 = (xs) => sorted(xs)[Math.ceil(0.9 * xs.length) - 1];
/** Milliseconds, one decimal, right-aligned for a column: "   12.3 ms". */
export const ms = (v) => `${v.toFixed(1).padStart(7)} ms`;

/**
 * One bench run against the engine at DOCKER_HOST: exits with a message when the address is not
 * one it can use, and from then on removes its containers on SIGINT / SIGTERM / SIGHUP (a second
 * signal leaves at once, with the `docker rm -f` line to finish by hand).
 * @param {{ name: string, maxSockets?: number }} options `name` starts the messages ("bench:list");
 *   `maxSockets`, the keep-alive agent's connections (default BATCH).
 */
export function openBench({ name, maxSockets = BATCH }) {
  /** Prints "\n<name>: message" to stderr and exits with 1. */
  function fail(message) {
    console.error(`\n${name}: ${message}`);
    process.exit(1);
  }

  const engineUrl = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  const engine = parseEngine(engineUrl, fail);
  const agent = new Agent({ keepAlive: true, maxSockets });
  const runId = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const removeHint = `  docker rm -f $(docker ps -aq --filter label=${RUN_LABEL}=${runId})`;

  /** One Engine API call; resolves to { status, body (Buffer) }. */
  function api(method, path, body) {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        {
          ...engine.http,
          agent,
          method,
          path,
          headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer within 60 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** An API call's JSON answer (undefined for an empty body); throws on a status ≥ 400. */
  async function apiJson(method, path, body) {
    const r = await api(method, path, body);
    if (r.status >= 400) {
      let msg = r.body.toString();
      try {
        msg = JSON.parse(msg).message ?? msg;
      } catch {
        /* plain text */
      }
      throw new Error(`${method} ${path}: ${r.status} ${msg}`.trim());
    }
    return r.body.length ? JSON.parse(r.body.toString()) : undefined;
  }

  /** GET /version's answer; exits (fail) when no engine answers or IMAGE is not on it. */
  async function checkEngine() {
    let version;
    try {
      version = await apiJson('GET', '/version');
    } catch (err) {
      fail(`no engine answers at ${engineUrl} (${err.message}).`);
    }
    const image = await api('GET', `/images/${encodeURIComponent(IMAGE)}/json`);
    if (image.status === 404) {
      fail(
        `the image ${IMAGE} is not on ${engineUrl}: run \`bash scripts/setup-engines.sh\` first` +
          (process.env.DOCKER_HOST
            ? ` (it imports into the default engines; for this one, then run\n  DOCKER_HOST=${engineUrl} docker import /tmp/cws-engines/busybox-rootfs.tar ${IMAGE})`
            : '.'),
      );
    }
    return version;
  }

  /** Builds out/ (node esbuild.mjs --tests), or fails. */
  function build() {
    console.log(`${name}: building out/ (node esbuild.mjs --tests) …`);
    const run = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'inherit' });
    if (run.status !== 0) fail('node esbuild.mjs --tests failed (someone may be mid-edit in src/: retry in a minute).');
  }

  /** created[i]: the id of bench container i (cws-bench-<runId>-<i>), once it exists. */
  const created = [];
  /** Called first in cleanup, last pushed first: stores, runtimes, streams (sockets keep node alive). */
  const closers = [];
  let creating = Promise.resolve();
  let cleaning;

  /** Creates `count` stopped containers (sleep 3600, no network), BATCH at a time; stops early on cleanup. */
  function createContainers(count) {
    creating = (async () => {
      for (let start = 0; start < count; start += BATCH) {
        if (cleaning) return;
        const batch = [];
        for (let i = start; i < Math.min(start + BATCH, count); i++) {
          const containerName = `cws-bench-${runId}-${String(i).padStart(3, '0')}`;
          batch.push(
            apiJson('POST', `/containers/create?name=${encodeURIComponent(containerName)}`, {
              Image: IMAGE,
              Cmd: ['sleep', '3600'],
              Labels: { [LABEL]: '1', [RUN_LABEL]: runId },
              HostConfig: { NetworkMode: 'none' },
            }).then((c) => {
              created[i] = c.Id;
            }),
          );
        }
        await Promise.all(batch);
      }
    })();
    return creating;
  }

  /**
   * Runs the closers, then removes what this run created (by id and by its run label) in parallel
   * batches, says how that went, and closes the agent. Runs once; every call gets the same promise.
   */
  function cleanup() {
    cleaning ??= (async () => {
      for (const close of closers.splice(0).reverse()) {
        try {
          close();
        } catch {
          /* closing anyway */
        }
      }
      await creating.catch(() => {});
      const ids = new Set(created.filter(Boolean));
      try {
        const filters = encodeURIComponent(JSON.stringify({ label: [`${RUN_LABEL}=${runId}`] }));
        for (const c of await apiJson('GET', `/containers/json?all=1&filters=${filters}`)) ids.add(c.Id);
      } catch {
        /* remove what we know of */
      }
      const list = [...ids];
      let failed = 0;
      for (let i = 0; i < list.length; i += BATCH) {
        const results = await Promise.allSettled(
          list.slice(i, i + BATCH).map((id) =>
            api('DELETE', `/containers/${id}?force=1&v=1`).then((r) => {
              if (r.status >= 400 && r.status !== 404) throw new Error(String(r.status));
            }),
          ),
        );
        failed += results.filter((r) => r.status === 'rejected').length;
      }
      if (list.length) {
        console.log(
          failed
            ? `\nclean-up: ${failed} of ${list.length} bench containers could not be removed; remove them with\n${removeHint}`
            : `\nclean-up: removed the ${list.length} bench containers.`,
        );
      }
      agent.destroy();
    })();
    return cleaning;
  }

  let interrupted = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      if (interrupted) {
        console.error(`\n${sig} again: leaving now. Remove what is left with\n${removeHint}`);
        process.exit(130);
      }
      interrupted = true;
      console.error(`\n${sig}: removing the bench containers (once more to leave at once) …`);
      cleanup().finally(() => process.exit(130));
    });
  }

  /** Runs the bench's main(), then cleans up; on an error says so, cleans up and exits with 1. */
  function run(main) {
    main().then(
      () => cleanup(),
      async (err) => {
        console.error(`\n${name} failed: ${err?.stack ?? err}`);
        await cleanup().catch(() => {});
        process.exit(1);
      },
    );
  }

  return {
    name,
    engineUrl,
    engine,
    agent,
    runId,
    created,
    closers,
    fail,
    api,
    apiJson,
    checkEngine,
    build,
    createContainers,
    cleanup,
    run,
    /** True once cleanup has begun (an error, the end, or a signal): measuring loops stop. */
    get cleaning() {
      return cleaning !== undefined;
    },
  };
}

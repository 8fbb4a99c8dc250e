// `npm run bench:context`: detection of a generated 20,000-file workspace (target ≤ 300 ms).
// Figures, not pass/fail. The tree mixes source files, ~100 YAML files (some Kubernetes manifests,
// some CI workflows), Compose projects, Dockerfiles, dev-container configs and a node_modules folder.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.CWS_BENCH_RUNS || 15);
const FILES = Number(process.env.CWS_BENCH_FILES || 20_000);
if (spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'inherit' }).status !== 0)
  process.exit(1);
const require = createRequire(import.meta.url);
const { detectDirectory } = require(join(root, 'out/src/core/detection/detect.js'));

const tree = mkdtempSync(join(tmpdir(), 'cws-bench-ctx-'));
const put = (rel, text = '') => {
  mkdirSync(dirname(join(tree, rel)), { recursive: true });
  writeFileSync(join(tree, rel), text);
};
let n = 0;
const manifest = (i) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: example/app:${i}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-${i}\n`;
for (let s = 0; s < 20; s++) {
  put(
    `services/svc${s}/Dockerfile`,
    `FROM node:20 AS build\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /app /app\n`,
  );
  n++;
  put(
    `services/svc${s}/compose.yaml`,
    `services:\n  svc${s}:\n    build: .\n    ports: ["${8000 + s}:80"]\n  db:\n    image: postgres:16\n`,
  );
  n++;
  put(`deploy/k8s/svc${s}.yaml`, manifest(s));
  n++;
  put(`.github/workflows/ci${s}.yml`, `name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n`);
  n++;
  put(`config/settings${s}.yaml`, `log_level: info\nfeatures:\n  - a\n  - b\n`);
  n++;
}
put(
  '.devcontainer/devcontainer.json',
  '{ // dev\n "image": "mcr.microsoft.com/devcontainers/base:debian",\n "forwardPorts": [3000,],\n}\n',
);
n++;
for (let i = 0; n < FILES; i++) {
  put(`src/pkg${i % 40}/mod${Math.floor(i / 40) % 25}/file${i}.ts`, 'export {};\n');
  n++;
}
for (let i = 0; i < 5000; i++) put(`node_modules/dep${i % 100}/f${i}.js`); // skipped by detection, not counted

const times = [];
let ctx;
for (let i = 0; i < runs + 1; i++) {
  const t0 = process.hrtime.bigint();
  ctx = await detectDirectory(tree, { env: {} });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (i > 0) times.push(ms);
  else console.log(`first (cold) run: ${ms.toFixed(1)} ms`);
}
rmSync(tree, { recursive: true, force: true });
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const p90 = times[Math.floor(times.length * 0.9)];
console.log(`\nworkspace  ${n} files (+5,000 under node_modules, skipped)`);
console.log(
  `found      ${ctx.composeProjects.length} Compose projects, ${ctx.dockerfiles.length} Dockerfiles, ${ctx.devcontainers.length} dev container, ${ctx.kubernetes.resources.length} Kubernetes resources, ${ctx.diagnostics.length} problems; primary ${ctx.primary}`,
);
console.log(
  `detection  median ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms over ${runs} runs  (target ≤ 300 ms: ${median <= 300 ? 'met' : 'NOT met'})`,
);

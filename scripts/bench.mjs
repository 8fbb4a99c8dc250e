// `npm run bench`: figures, not pass/fail. Compare with ../shared/reference/performance-facts.md
// (dockerode bundled whole: 891 KB / ~159 ms to require; lean: 145 KB / 33 ms).
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.CWS_BENCH_RUNS || 15);
spawnSync(process.execPath, ['esbuild.mjs', '--release'], { cwd: root, stdio: 'inherit' });

// require() of the release bundle in a fresh process each time, with a stub `vscode` module.
const probe = `
  const Module = require('module'); const orig = Module._load;
  Module._load = function (r, ...a) { return r === 'vscode' ? new Proxy({}, { get: () => function () {} }) : orig.call(this, r, ...a); };
  const t = process.hrtime.bigint(); require(process.argv[1]); console.log(Number(process.hrtime.bigint() - t) / 1e6);`;
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function requireMs(file) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    times.push(
      Number(spawnSync(process.execPath, ['-e', probe, join(root, file)], { encoding: 'utf8' }).stdout.trim()),
    );
  }
  return median(times);
}
const kb = (f) => (statSync(join(root, f)).size / 1024).toFixed(0);
console.log(`\nbundle                size      require() median of ${runs}`);
for (const f of [
  'dist/extension.js',
  'dist/background.js',
  'dist/detectionWorker.js',
  'dist/cws.js',
  'dist/ssh.js',
  'dist/tar.js',
]) {
  console.log(`${f.padEnd(20)}  ${kb(f).padStart(5)} KB  ${requireMs(f).toFixed(1).padStart(6)} ms`);
}

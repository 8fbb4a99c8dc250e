// `npm test`: every suite, one closing line "N passed, N failed, N skipped".
// Works on a fresh clone: installs npm dependencies when missing, builds, brings up the real engines
// (scripts/setup-engines.sh), then runs unit, engine, in-VS Code, UI and packaging suites.
// CI=true: a missing engine, browser or VS Code fails the run; elsewhere it skips with the reason.
// Options (env): CWS_VSCODE=electron runs the in-VS Code suite in desktop VS Code (@vscode/test-electron)
// instead of code-server; CWS_ONLY=unit,engine,… runs only those suites.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNpmDependencies } from './lib/npmDeps.mjs';
import { PRETTIER_FILES } from './lib/prettierFiles.mjs';
import { defaultScanRoots, scanForSecrets, SECRET_ENV } from './lib/secretScan.mjs';
import { readTallies } from './lib/tallies.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const isCI = /^(1|true)$/i.test(process.env.CI ?? '');
const only = process.env.CWS_ONLY ? new Set(process.env.CWS_ONLY.split(',')) : undefined;
const results = join(root, 'test-results');
const tally = [];
const suiteStart = Date.now();
// Secrets set for the whole run (every suite and the extension host inherit them): the tests pass
// them to containers and engines as users would, and the last stage proves no log holds them.
process.env.CWS_TEST_SECRET_TOKEN ||= `cws-s3cr3t-${randomBytes(8).toString('hex')}`;
process.env.CWS_TEST_REGISTRY_PASSWORD ||= `cws-regpw-${randomBytes(8).toString('hex')}`;

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}
function heading(s) {
  console.log(`\n\x1b[1m== ${s}\x1b[0m`);
}
let stageStart = Date.now();
/** Starts timing a stage; record() closes it (each stage's time is printed in the summary). */
function startStage() {
  stageStart = Date.now();
}
function record(stage, passed, failed, skipped, note = '') {
  tally.push({ stage, passed, failed, skipped, note, ms: Date.now() - stageStart });
  stageStart = Date.now();
}
function check(stage, ok, note) {
  record(stage, ok ? 1 : 0, ok ? 0 : 1, 0, note);
}
/** A stage that could not run at all: a failure in CI, a skip elsewhere. */
function unavailable(stage, why) {
  console.log(`${isCI ? 'FAILED' : 'skipped'}: ${stage}: ${why}`);
  record(stage, 0, isCI ? 1 : 0, isCI ? 0 : 1, why);
}
function readResults(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
function mocha(stage, glob, env) {
  if (only && !only.has(stage)) return;
  heading(`${stage} tests`);
  startStage();
  const file = join(results, `${stage}.json`);
  rmSync(file, { force: true });
  const code = run(
    process.execPath,
    [
      join(root, 'node_modules/mocha/bin/mocha.js'),
      '--reporter',
      'out/test/support/resultsReporter.js',
      '--timeout',
      '60000',
      glob,
    ],
    { ...env, CWS_RESULTS_FILE: file },
  );
  const r = readResults(file);
  if (r) record(stage, r.passed, r.failed, r.skipped);
  else record(stage, 0, 1, 0, `mocha exited ${code} without results`);
}

// 1. npm dependencies (a fresh clone has none).
heading('npm dependencies');
if (!ensureNpmDependencies(root)) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
mkdirSync(results, { recursive: true });
// The code-server profiles of an earlier run (kept for the secret scan at the end) go now.
for (const name of readdirSync(tmpdir())) {
  if (name.startsWith('cws-vscode-')) rmSync(join(tmpdir(), name), { recursive: true, force: true });
}
// The counts of faults and bad inputs start afresh each run.
const tallyDir = join(results, 'tally');
rmSync(tallyDir, { recursive: true, force: true });

// 2. Build (extension, CLI, webviews, tests) and typecheck.
heading('build');
if (run(process.execPath, ['esbuild.mjs', '--tests']) !== 0) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
if (!only || only.has('typecheck')) {
  heading('typecheck (tsc --noEmit, strict)');
  startStage();
  check('typecheck', run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit']) === 0);
}

// 3. The house rules: layers (dependency-cruiser, and core/cli/shared typechecked without the DOM),
// ESLint, and Prettier's formatting. Each is one check; its output says what broke.
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
if (!only || only.has('layers')) {
  heading('layers (.dependency-cruiser.cjs; tsconfig.core.json without the DOM)');
  startStage();
  const deps = run(process.execPath, [
    bin('dependency-cruiser', 'bin/dependency-cruise.mjs'),
    'src',
    '--config',
    '.dependency-cruiser.cjs',
    '--output-type',
    'err',
  ]);
  const dom = run(process.execPath, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.core.json', '--noEmit']);
  check('layers', deps === 0 && dom === 0);
}
if (!only || only.has('lint')) {
  heading('lint (ESLint, typescript-eslint recommended-type-checked; Prettier --check)');
  startStage();
  const lint = run(process.execPath, [bin('eslint', 'bin/eslint.js'), '--max-warnings', '0', '.']);
  const format = run(process.execPath, [
    bin('prettier', 'bin/prettier.cjs'),
    '--check',
    '--log-level',
    'warn',
    ...PRETTIER_FILES,
  ]);
  check('lint', lint === 0 && format === 0);
  heading('l10n (l10n/bundle.l10n.json holds every vscode.l10n.t string: `npm run l10n` writes it)');
  const out = mkdtempSync(join(tmpdir(), 'cws-l10n-'));
  run(process.execPath, [bin('@vscode/l10n-dev', 'dist/cli.js'), 'export', '--outDir', out, 'src/vscode']);
  const same = readFileSync(join(out, 'bundle.l10n.json'), 'utf8') === readFileSync('l10n/bundle.l10n.json', 'utf8');
  if (!same) console.log('FAILED: l10n/bundle.l10n.json is out of date: run `npm run l10n`');
  rmSync(out, { recursive: true, force: true });
  check('l10n', same);
}

// 4. Real engines.
let engines = process.env.CWS_ENGINES ?? '';
if (!engines) {
  heading('engines (scripts/setup-engines.sh)');
  const r = spawnSync('bash', ['scripts/setup-engines.sh'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  engines = (r.stdout ?? '')
    .split('\n')
    .filter((l) => /^\w+=\w+$/.test(l))
    .join(',');
  console.log(engines || '(no engine report)');
}
const env = { CWS_ENGINES: engines, CWS_TALLY_DIR: tallyDir };

// 5. Suites.
mocha('unit', 'out/test/unit/**/*.test.js', env);
mocha('hostile', 'out/test/hostile/**/*.test.js', env);
mocha('engine', 'out/test/engine/**/*.test.js', env);
mocha('faults', 'out/test/faults/**/*.test.js', env);

if (!only || only.has('vscode')) {
  const electron = process.env.CWS_VSCODE === 'electron';
  heading(`in-VS Code tests (${electron ? '@vscode/test-electron' : 'code-server + Chromium'})`);
  startStage();
  const code = run(process.execPath, [`out/test/vscode/${electron ? 'runInElectron' : 'runInCodeServer'}.js`], env);
  const r = readResults(join(results, 'exthost.json'));
  if (code === 3)
    unavailable('vscode', "no Chromium to open the workbench (install Debian's chromium or set CWS_CHROMIUM)");
  else if (r) record('vscode', r.passed, r.failed, r.skipped);
  else record('vscode', 0, 1, 0, `launcher exited ${code} without results`);
}

if (!only || only.has('untrusted')) {
  heading('Restricted Mode tests (code-server with workspace trust on, a hostile folder never trusted)');
  startStage();
  const code = run(process.execPath, ['out/test/vscode/runUntrusted.js'], env);
  const r = readResults(join(results, 'exthost-untrusted.json'));
  if (code === 3) unavailable('untrusted', "no Chromium to open the workbench (install Debian's chromium)");
  else if (r) record('untrusted', r.passed, r.failed, r.skipped);
  else record('untrusted', 0, 1, 0, `launcher exited ${code} without results`);
}

mocha('ui', 'out/test/ui/**/*.test.js', env);
mocha('package', 'out/test/package/**/*.test.js', env);

if (!only || only.has('secrets')) {
  heading('secrets (none set during the run is in any log, output channel or transcript)');
  startStage();
  const secrets = SECRET_ENV.map((k) => process.env[k]);
  const skipped = [];
  const found = scanForSecrets(defaultScanRoots(root), secrets, { skipped });
  for (const f of found) console.log(`FAILED: ${f.file} holds ${SECRET_ENV[secrets.indexOf(f.secret)]}`);
  for (const s of skipped) console.log(`  not scanned (over 50 MB): ${s}`);
  check('secrets', found.length === 0);
}

// 6. The counts are a check too: a crash or a hang is a failure even if its test was lost, and a
// full run must have tried enough (the issue's floor: 10 faults, 60 bad inputs).
{
  const t = readTallies(tallyDir);
  const bad = t.inputs.filter((i) => i.outcome !== 'handled');
  for (const b of bad) console.log(`FAILED: bad input ${b.name}: ${b.outcome} ${b.detail ?? ''}`);
  const lost = t.faults.filter((f) => !f.recovered);
  for (const f of lost) console.log(`FAILED: fault ${f.name} not recovered ${f.detail ?? ''}`);
  if (!only) {
    startStage();
    const enough = t.faults.length >= 10 && t.inputs.length >= 60;
    check('tally', bad.length === 0 && lost.length === 0 && enough, enough ? '' : 'fewer than 10 faults or 60 inputs');
  }
}

// 7. The summary: each stage with its time, the counts the fault and hostile-input tests kept
// themselves (test/support/tally.ts), then one closing line.
heading('summary');
const sum = (k) => tally.reduce((n, t) => n + t[k], 0);
const secs = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
for (const t of tally) {
  const counts = `${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`;
  console.log(`  ${t.stage.padEnd(10)} ${counts.padEnd(26)} ${secs(t.ms).padStart(7)}${t.note ? `  (${t.note})` : ''}`);
}
console.log(`  ${'total'.padEnd(10)} ${''.padEnd(26)} ${secs(Date.now() - suiteStart).padStart(7)}`);
if (existsSync(join(results, 'screenshots'))) console.log(`  screenshots: ${join('test-results', 'screenshots')}/`);
const tallies = readTallies(tallyDir);
console.log(
  `\nfaults injected ${tallies.faults.length} / recovered ${tallies.faults.filter((f) => f.recovered).length}`,
);
const outcome = (o) => tallies.inputs.filter((i) => i.outcome === o).length;
console.log(`bad inputs tried ${tallies.inputs.length} / crashes ${outcome('crash')} / hangs ${outcome('hang')}`);
const failed = sum('failed');
console.log(`\n${sum('passed')} passed, ${failed} failed${sum('skipped') ? `, ${sum('skipped')} skipped` : ''}`);
process.exit(failed ? 1 : 0);

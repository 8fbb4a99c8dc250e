// `npm test`: every suite, one closing line "N passed, N failed, N skipped".
// Works on a fresh clone: installs npm dependencies when missing, builds, brings up the real engines
// (scripts/setup-engines.sh), then runs unit, engine, in-VS Code, UI and packaging suites.
// CI=true: a missing engine, browser or VS Code fails the run; elsewhere it skips with the reason.
// Options (env): CWS_VSCODE=electron runs the in-VS Code suite in desktop VS Code (@vscode/test-electron)
// instead of code-server; CWS_ONLY=unit,engine,… runs only those suites.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNpmDependencies } from './lib/npmDeps.mjs';
import { PRETTIER_FILES } from './lib/prettierFiles.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const isCI = /^(1|true)$/i.test(process.env.CI ?? '');
const only = process.env.CWS_ONLY ? new Set(process.env.CWS_ONLY.split(',')) : undefined;
const results = join(root, 'test-results');
const tally = [];

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}
function heading(s) {
  console.log(`\n\x1b[1m== ${s}\x1b[0m`);
}
function record(stage, passed, failed, skipped, note = '') {
  tally.push({ stage, passed, failed, skipped, note });
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

// 2. Build (extension, CLI, webviews, tests) and typecheck.
heading('build');
if (run(process.execPath, ['esbuild.mjs', '--tests']) !== 0) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
if (!only || only.has('typecheck')) {
  heading('typecheck (tsc --noEmit, strict)');
  check('typecheck', run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit']) === 0);
}

// 3. The house rules: layers (dependency-cruiser, and core/cli/shared typechecked without the DOM),
// ESLint, and Prettier's formatting. Each is one check; its output says what broke.
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
if (!only || only.has('layers')) {
  heading('layers (.dependency-cruiser.cjs; tsconfig.core.json without the DOM)');
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
const env = { CWS_ENGINES: engines };

// 5. Suites.
mocha('unit', 'out/test/unit/**/*.test.js', env);
mocha('engine', 'out/test/engine/**/*.test.js', env);

if (!only || only.has('vscode')) {
  const electron = process.env.CWS_VSCODE === 'electron';
  heading(`in-VS Code tests (${electron ? '@vscode/test-electron' : 'code-server + Chromium'})`);
  const code = run(process.execPath, [`out/test/vscode/${electron ? 'runInElectron' : 'runInCodeServer'}.js`], env);
  const r = readResults(join(results, 'exthost.json'));
  if (code === 3)
    unavailable('vscode', "no Chromium to open the workbench (install Debian's chromium or set CWS_CHROMIUM)");
  else if (r) record('vscode', r.passed, r.failed, r.skipped);
  else record('vscode', 0, 1, 0, `launcher exited ${code} without results`);
}

mocha('ui', 'out/test/ui/**/*.test.js', env);
mocha('package', 'out/test/package/**/*.test.js', env);

// 6. One closing line.
heading('summary');
const sum = (k) => tally.reduce((n, t) => n + t[k], 0);
for (const t of tally) {
  console.log(
    `  ${t.stage.padEnd(10)} ${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}${t.note ? `  (${t.note})` : ''}`,
  );
}
if (existsSync(join(results, 'screenshots'))) console.log(`  screenshots: ${join('test-results', 'screenshots')}/`);
const failed = sum('failed');
console.log(`\n${sum('passed')} passed, ${failed} failed${sum('skipped') ? `, ${sum('skipped')} skipped` : ''}`);
process.exit(failed ? 1 : 0);

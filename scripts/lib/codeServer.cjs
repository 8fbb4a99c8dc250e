// Starts the real VS Code workbench (code-server) for `npm start` and the in-VS Code tests.
// Plain CommonJS so both the .mjs scripts and the compiled TypeScript tests can load it.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const { mkdirSync, mkdtempSync, writeFileSync, rmSync } = require('node:fs');
const net = require('node:net');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');

/** Installs code-server into the cache when needed (scripts/setup-vscode.sh); returns its binary. */
function ensureCodeServer({ quiet = false } = {}) {
  const out = execFileSync('bash', [path.join(repoRoot, 'scripts/setup-vscode.sh')], {
    stdio: ['ignore', 'pipe', quiet ? 'pipe' : 'inherit'], encoding: 'utf8',
  });
  return out.trim().split('\n').pop();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', () => resolve(0));
    req.on('timeout', () => { req.destroy(); resolve(0); });
  });
}

/**
 * Starts code-server on a free loopback port with a throw-away user-data dir.
 * @param {{ bin: string, folder: string, env?: NodeJS.ProcessEnv, settings?: object, port?: number, keepData?: boolean, log?: (s: string) => void }} o
 */
async function startCodeServer(o) {
  const port = o.port ?? await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cws-vscode-'));
  const userDir = path.join(dataDir, 'ud', 'User');
  mkdirSync(userDir, { recursive: true });
  writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    // The sample workspaces live inside this repository: no "open the parent repository?" prompt.
    'git.openRepositoryInParentFolders': 'never',
    ...o.settings,
  }, null, 2));
  const args = [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--user-data-dir', path.join(dataDir, 'ud'), '--extensions-dir', path.join(dataDir, 'ext'),
    o.folder,
  ];
  const child = spawn(o.bin, args, {
    env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32',
  });
  let output = '';
  const collect = (b) => { output += b; if (o.log) o.log(String(b)); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while ((await get(`${base}/healthz`)) !== 200) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) { stop(); throw new Error(`code-server did not answer on ${base}:\n${output}`); }
    await new Promise((r) => setTimeout(r, 200));
  }
  function stop() {
    try { process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGTERM'); } catch { /* gone */ }
    if (!o.keepData) rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  }
  return {
    base, port, dataDir, child, stop,
    output: () => output,
    /** The workbench URL for `folder`, optionally loading an extension under development and a test suite. */
    url({ folder = o.folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
      const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
      const payload = [];
      if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
      if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
      const q = `folder=${encodeURIComponent(folder)}` + (payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : '');
      return `${base}/?${q}`;
    },
  };
}

/** Debian's Chromium, or one named by CWS_CHROMIUM; undefined when there is none. */
function findChromium() {
  const candidates = [process.env.CWS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
  return candidates.find((c) => c && require('node:fs').existsSync(c));
}

/** Flags that keep Chromium quiet on a machine with no internet. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

module.exports = { repoRoot, ensureCodeServer, startCodeServer, findChromium, CHROMIUM_ARGS, freePort };

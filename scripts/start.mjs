// `npm start`: opens VS Code with the extension loaded on the sample workspace, doing all set-up first.
// Desktop `code` on PATH → a new desktop window (extension development host).
// Otherwise → the in-browser VS Code (code-server) on 127.0.0.1; prints the URL and runs until Ctrl-C.
// Env: CWS_VSCODE=browser forces the browser route; CWS_PORT picks its port (default 8080, else a free one);
//      CWS_WORKSPACE opens another folder.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNpmDependencies } from './lib/npmDeps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cs = require('./lib/codeServer.cjs');
const folder = resolve(process.env.CWS_WORKSPACE ?? join(root, 'test/fixtures/workspaces/sample'));

if (!ensureNpmDependencies(root)) process.exit(1);
if (spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);

// Engines: started here when this machine can (Debian, root); otherwise whatever runs is used.
const engines = spawnSync('bash', [join(root, 'scripts/setup-engines.sh')], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
for (const line of (engines.stdout ?? '').split('\n').filter(Boolean)) {
  const [name, state] = line.split('=');
  console.log(`  ${name}: ${state === 'ok' ? 'running' : 'not available — the extension will say how to start it'}`);
}

function onPath(cmd) {
  return spawnSync(process.platform === 'win32' ? 'where' : 'which', [cmd], { stdio: 'ignore' }).status === 0;
}

if (
  process.env.CWS_VSCODE !== 'browser' &&
  onPath('code') &&
  !/code-server/.test(spawnSync('code', ['--version'], { encoding: 'utf8' }).stdout ?? '')
) {
  console.log(`Opening VS Code on ${folder} with the extension from ${root}`);
  const r = spawnSync('code', ['--new-window', `--extensionDevelopmentPath=${root}`, folder], { stdio: 'inherit' });
  console.log('Rebuild on changes with `npm run watch`, then reload that window (Developer: Reload Window).');
  process.exit(r.status ?? 0);
}

const bin = cs.ensureCodeServer();
const wanted = Number(process.env.CWS_PORT || 8080);
const port =
  (await new Promise((res) => {
    const srv = require('node:net')
      .createServer()
      .once('error', () => res(undefined))
      .listen(wanted, '127.0.0.1', () => srv.close(() => res(wanted)));
  })) ?? (await cs.freePort());
const server = await cs.startCodeServer({ bin, folder, port });
const watch = spawn(process.execPath, ['esbuild.mjs', '--watch'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
console.log(`
VS Code (in the browser) is running with Container Workspaces loaded on ${folder}.
Open this address in a browser on this machine:

  ${server.url({ extensionDevelopmentPath: root })}

Sources are rebuilt on change (reload the page to pick them up). Ctrl-C stops it.`);
const stop = () => {
  watch.kill();
  server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.on('exit', (code) => {
  console.error(`code-server exited (${code})`);
  watch.kill();
  process.exit(1);
});

// A real OCI registry on loopback for the registry tests: Debian's `docker-registry` (distribution
// 2.8) with its storage in a temporary folder, optionally behind htpasswd (made with `htpasswd -Bbn`).
// Installed by scripts/setup-engines.sh; in CI a missing binary fails the test, elsewhere it skips.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isCI } from './engines';

export const REGISTRY_BIN = process.env.CWS_REGISTRY_BIN || 'docker-registry';
const run = promisify(execFile);

export interface LocalRegistry {
  /** `127.0.0.1:<port>`, as an OciRef's registry. */
  host: string;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Set when started with htpasswd. */
  user?: { name: string; password: string };
  stop(): Promise<void>;
}

/** Call in before(): fails in CI, skips (with the reason) elsewhere, when a binary is missing. */
export async function requireRegistryTools(ctx: Mocha.Context): Promise<void> {
  const missing: string[] = [];
  for (const [bin, args] of [
    [REGISTRY_BIN, ['--version']],
    ['htpasswd', ['-nbB', 'probe', 'probe']],
  ] as const) {
    await run(bin, [...args], { timeout: 10_000 }).catch(() => missing.push(bin));
  }
  if (missing.length === 0) return;
  const why = `${missing.join(' and ')} not found (Debian packages docker-registry, apache2-utils)`;
  if (isCI) throw new Error(`${why}; CI needs them (scripts/setup-engines.sh installs them).`);
  console.log(`      skipping: ${why}`);
  ctx.skip();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200 || res.status === 401;
  } catch {
    return false;
  }
}

/** Starts a registry on a free loopback port and waits (≤ 15 s) until /v2/ answers. */
export async function startRegistry(o: { htpasswd?: { name: string; password: string } } = {}): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'cws-registry-'));
  let lastError = '';
  // The free port can be taken between our probe and the registry's bind: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const lines = [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${host}`,
      `  secret: ${Math.random().toString(36).slice(2)}`,
    ];
    if (o.htpasswd) {
      const { stdout } = await run('htpasswd', ['-Bbn', o.htpasswd.name, o.htpasswd.password], { timeout: 10_000 });
      writeFileSync(join(dir, 'htpasswd'), stdout);
      lines.push('auth:', '  htpasswd:', '    realm: cws-test', `    path: ${join(dir, 'htpasswd')}`);
    }
    const config = join(dir, 'config.yml');
    writeFileSync(config, `${lines.join('\n')}\n`);
    const stderr: Buffer[] = [];
    const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (b: Buffer) => stderr.length < 64 && stderr.push(b));
    let exited = false;
    child.on('exit', () => (exited = true));
    child.on('error', () => (exited = true));
    const url = `http://${host}`;
    const deadline = Date.now() + 15_000;
    while (!exited && Date.now() < deadline && !(await answers(url))) await new Promise((r) => setTimeout(r, 100));
    if (!exited && (await answers(url))) {
      return {
        host,
        url,
        user: o.htpasswd,
        stop: () => stopChild(child).then(() => rmSync(dir, { recursive: true, force: true })),
      };
    }
    lastError = Buffer.concat(stderr).toString('utf8').slice(-1000);
    await stopChild(child);
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`docker-registry did not start on loopback: ${lastError}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

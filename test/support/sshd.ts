// A real sshd on loopback for tests, with its own config, host key and authorized_keys in a
// temporary directory (the machine's ~/.ssh is not touched), and an ssh-agent holding the client's
// throw-away key. Missing OpenSSH fails in CI and skips elsewhere, as the engines do.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { isCI } from './engines';

export const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';

export function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, child: ChildProcess, ms = 10_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what}: the process exited (${child.exitCode})`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not ready after ${ms} ms`);
}

export interface TestSshd {
  port: number;
  /** The client's private key (its .pub is authorized); also held by the agent. */
  clientKey: string;
  /** The ssh-agent's socket. */
  agentSock: string;
  /** What sshd said on stderr (LogLevel VERBOSE). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts sshd (and an agent with the client key) in `dir`; `extra` lines go into its config. Call in
 * before(): fails in CI, skips elsewhere, when OpenSSH is missing.
 */
export async function startTestSshd(ctx: Mocha.Context, dir: string, extra: string[] = []): Promise<TestSshd> {
  const missing = [
    existsSync(SSHD) ? '' : SSHD,
    ...['ssh-keygen', 'ssh-agent', 'ssh-add', 'ssh-keyscan'].filter((c) => !onPath(c)),
  ].filter(Boolean);
  const unavailable = (why: string): never => {
    const msg = `sshd is not available: ${why}`;
    if (isCI) throw new Error(`${msg}; CI needs it (scripts/setup-engines.sh installs openssh-server).`);
    console.log(`      skipping: ${msg} (scripts/setup-engines.sh installs it as root on Debian)`);
    ctx.skip();
  };
  if (missing.length) unavailable(`missing ${missing.join(', ')}`);
  const port = await freePort();
  const keygen = (file: string, comment: string) =>
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { timeout: 15_000 });
  await keygen(join(dir, 'host_ed25519'), 'cws-test-host');
  const clientKey = join(dir, 'client_ed25519');
  await keygen(clientKey, 'cws-test-client');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`), { mode: 0o600 });
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_ed25519')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The temporary directory sits under the world-writable /tmp.
      'StrictModes no',
      'LogLevel VERBOSE',
      ...extra,
      '',
    ].join('\n'),
  );
  // Debian's sshd needs its privilege separation directory.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  try {
    await run(SSHD, ['-t', '-f', config], { timeout: 15_000 });
  } catch (err) {
    unavailable(`\`sshd -t\` rejects the test config: ${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
  let sshdLog = '';
  const sshd = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  sshd.stderr.on('data', (d: Buffer) => {
    sshdLog += d.toString();
  });
  const children: ChildProcess[] = [sshd];
  const stop = async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      }
    }
  };
  try {
    await waitFor('sshd', () => canConnect(port), sshd);
  } catch (err) {
    await stop();
    unavailable(`${(err as Error).message}\n${sshdLog}`);
  }
  const agentSock = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
  children.push(agent);
  await waitFor('ssh-agent', () => existsSync(agentSock), agent);
  await run('ssh-add', ['-q', clientKey], { env: { ...process.env, SSH_AUTH_SOCK: agentSock }, timeout: 15_000 });
  return { port, clientKey, agentSock, log: () => sshdLog, stop };
}

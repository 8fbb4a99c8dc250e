// ssh:// endpoints against a REAL sshd on loopback, started here with its own config, host key,
// authorized_keys and ssh-agent, all in a temporary directory (the machine's ~/.ssh is not touched),
// in front of the real dockerd: the far side runs `docker system dial-stdio`, as for the docker CLI.
import * as assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { DockerRuntime } from '../../src/core/runtime/docker/dockerRuntime';
import { resolveDockerEndpoint, type DockerEndpoint } from '../../src/core/runtime/docker/endpoint';
import { RuntimeError } from '../../src/core/runtime/errors';
import { engineCli, engineCliList, isCI, requireEngine } from '../support/engines';
import { onPath, run, startTestSshd, type TestSshd } from '../support/sshd';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected the request to fail');
}

describe('ssh:// endpoint: real sshd in front of the real dockerd', function () {
  this.timeout(60_000);
  let dir: string;
  let sshd: TestSshd | undefined;
  let port: number;
  let agentSock: string;
  let clientKey: string;
  const user = userInfo().username;
  let url: string;
  const runtimes: DockerRuntime[] = [];

  /** A fresh home for the client side: only what the test puts there. */
  function makeHome(name: string): string {
    const home = join(dir, name);
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    return home;
  }
  function resolve(home: string, env: NodeJS.ProcessEnv): DockerEndpoint {
    return resolveDockerEndpoint(url, { env, home, systemKnownHosts: join(dir, 'no-system-known-hosts') });
  }
  function runtime(ep: DockerEndpoint): DockerRuntime {
    const rt = new DockerRuntime('docker', ep);
    runtimes.push(rt);
    return rt;
  }
  async function keyscan(home: string): Promise<void> {
    // What the refusal's hint tells the user to run, with this test's known_hosts.
    const { stdout } = await run('ssh-keyscan', ['-p', String(port), '127.0.0.1'], { timeout: 15_000 });
    assert.match(stdout, /ssh-ed25519/);
    appendFileSync(join(home, '.ssh', 'known_hosts'), stdout);
  }

  before(async function () {
    requireEngine(this, 'docker');
    const docker = onPath('docker');
    if (!docker) {
      const msg = 'the docker CLI, which the far side of the ssh:// endpoint runs, is not on PATH';
      if (isCI) throw new Error(msg);
      console.log(`      skipping: ${msg}`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'cws-sshd-'));
    // The far side runs `docker system dial-stdio`.
    const path = [dirname(docker), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
    sshd = await startTestSshd(this, dir, [`SetEnv PATH=${path.join(':')}`]);
    port = sshd.port;
    url = `ssh://${user}@127.0.0.1:${port}`;
    clientKey = sshd.clientKey;
    agentSock = sshd.agentSock;
  });

  after(async function () {
    for (const rt of runtimes) void rt.close();
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && sshd?.log())
      console.log(`      sshd log:\n${sshd.log().split('\n').slice(-30).join('\n')}`);
  });

  it('with the key in an ssh agent: info() and listContainers() answer as the docker CLI does', async () => {
    const home = makeHome('agent-home');
    await keyscan(home);
    const ep = resolve(home, { SSH_AUTH_SOCK: agentSock });
    assert.equal(ep.protocol, 'ssh');
    assert.equal(ep.sshOptions!.agent, agentSock);
    assert.equal(ep.sshOptions!.privateKey, undefined);
    assert.equal(ep.source, 'setting');
    const rt = runtime(ep);
    const info = await rt.info();
    assert.equal(info.version, await engineCli('docker', ['version', '--format', '{{.Server.Version}}']));
    const ours = (await rt.listContainers({ all: true })).map((c) => c.id).sort();
    const theirs = (await engineCliList('docker')).map((c) => c.id).sort();
    assert.deepEqual(ours, theirs);
  });

  it('without an agent: the unencrypted ~/.ssh/id_ed25519, and a hashed known_hosts (ssh-keygen -H)', async () => {
    const home = makeHome('key-home');
    copyFileSync(clientKey, join(home, '.ssh', 'id_ed25519'));
    await keyscan(home);
    await run('ssh-keygen', ['-H', '-f', join(home, '.ssh', 'known_hosts')], { timeout: 15_000 });
    assert.match(readFileSync(join(home, '.ssh', 'known_hosts'), 'utf8'), /^\|1\|/m);
    const ep = resolve(home, {});
    assert.equal(ep.sshOptions!.agent, undefined);
    assert.equal(typeof ep.sshOptions!.privateKey, 'string');
    const info = await runtime(ep).info();
    assert.equal(info.version, await engineCli('docker', ['version', '--format', '{{.Server.Version}}']));
  });

  it('through DOCKER_HOST and through a docker context, the same engine answers', async () => {
    const home = makeHome('ctx-home');
    await keyscan(home);
    const viaEnv = resolveDockerEndpoint(undefined, {
      env: { DOCKER_HOST: url, SSH_AUTH_SOCK: agentSock },
      home,
      systemKnownHosts: join(dir, 'none'),
    });
    assert.equal(viaEnv.source, 'DOCKER_HOST');
    const version = await engineCli('docker', ['version', '--format', '{{.Server.Version}}']);
    assert.equal((await runtime(viaEnv).info()).version, version);
    const cfg = join(home, '.docker');
    await run('docker', ['context', 'create', 'over-ssh', '--docker', `host=${url}`], {
      env: { ...process.env, DOCKER_CONFIG: cfg },
      timeout: 15_000,
    });
    const viaContext = resolveDockerEndpoint(undefined, {
      env: { DOCKER_CONTEXT: 'over-ssh', SSH_AUTH_SOCK: agentSock },
      home,
      systemKnownHosts: join(dir, 'none'),
    });
    assert.equal(viaContext.source, 'context "over-ssh"');
    assert.equal((await runtime(viaContext).info()).version, version);
  });

  it('an unknown host key is refused, with the ssh-keyscan hint; after following it, the same runtime connects', async () => {
    const home = makeHome('unknown-home');
    const ep = resolve(home, { SSH_AUTH_SOCK: agentSock });
    const rt = runtime(ep);
    const err = await rejection(rt.info());
    assert.ok(err instanceof RuntimeError, String(err));
    // DockerRuntime passes the explanation on once it consults ep.explainError; until then, ask it here.
    const explained = /ssh-keyscan/.test(err.hint ?? '') ? err : ep.explainError!(err);
    assert.ok(explained, `not explained: ${err.message}`);
    assert.equal(explained.code, 'permission');
    assert.match(explained.message, new RegExp(`\\[127\\.0\\.0\\.1\\]:${port} is not known`));
    assert.ok(explained.hint?.includes(`ssh-keyscan -p ${port} 127.0.0.1 >> ~/.ssh/known_hosts`), explained.hint);
    // The key the server showed, fingerprinted as ssh-keygen does.
    const { stdout: fp } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_ed25519.pub')]);
    assert.ok(explained.message.includes(fp.split(/\s+/)[1]), `${explained.message} / ${fp}`);
    await keyscan(home);
    assert.ok((await rt.info()).version);
  });

  it('a changed host key is refused as changed', async () => {
    const home = makeHome('changed-home');
    const other = join(dir, 'other_host_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other], { timeout: 15_000 });
    const [type, b64] = readFileSync(`${other}.pub`, 'utf8').trim().split(/\s+/);
    writeFileSync(join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${port} ${type} ${b64}\n`);
    const ep = resolve(home, { SSH_AUTH_SOCK: agentSock });
    const err = await rejection(runtime(ep).info());
    const explained = err instanceof RuntimeError && /ssh-keygen -R/.test(err.hint ?? '') ? err : ep.explainError!(err);
    assert.match(explained?.message ?? '', /has changed/);
    assert.match(explained?.hint ?? '', /ssh-keygen -R '\[127\.0\.0\.1\]:\d+'/);
  });

  it('a key the server does not accept: a refused login, explained', async () => {
    const home = makeHome('stranger-home');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, '.ssh', 'id_ed25519')], {
      timeout: 15_000,
    });
    await keyscan(home);
    const ep = resolve(home, {});
    const err = await rejection(runtime(ep).info());
    const explained = err instanceof RuntimeError && err.code === 'permission' ? err : ep.explainError!(err);
    assert.equal(explained?.code, 'permission');
    assert.match(explained?.message ?? '', new RegExp(`"${user}" to 127\\.0\\.0\\.1:${port} was refused`));
  });
});

import * as assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import {
  isInsecureHost,
  parseHost,
  resolveDockerEndpoint,
  resolvePodmanEndpoint,
  type DockerEndpoint,
} from '../../src/core/runtime/docker/endpoint';
import { checkKnownHosts, fingerprint, isEncryptedKey } from '../../src/core/runtime/docker/sshAuth';
import { RuntimeError } from '../../src/core/runtime/errors';

describe('engine endpoint resolution', () => {
  const none = () => false;

  it('parses unix, tcp, https and ssh addresses', () => {
    assert.deepEqual(parseHost('unix:///var/run/docker.sock'), {
      url: 'unix:///var/run/docker.sock',
      socketPath: '/var/run/docker.sock',
    });
    assert.deepEqual(parseHost('tcp://10.0.0.5:2375'), {
      url: 'tcp://10.0.0.5:2375',
      protocol: 'http',
      host: '10.0.0.5',
      port: 2375,
    });
    assert.equal(parseHost('tcp://myhost').port, 2375);
    assert.equal(parseHost('https://myhost').port, 2376);
    assert.deepEqual(parseHost('ssh://me@build-box:2222'), {
      url: 'ssh://me@build-box:2222',
      protocol: 'ssh',
      host: 'build-box',
      port: 2222,
      username: 'me',
    });
    assert.equal(parseHost('npipe:////./pipe/docker_engine').socketPath, '\\\\.\\pipe\\docker_engine');
    assert.equal(parseHost('tcp://myhost:80').port, 80, "a port that is some scheme's default is still the port");
    assert.equal(parseHost('ssh://build-box').port, 22);
    assert.equal(parseHost('ssh://[::1]:2222').host, '::1');
  });

  it('rejects an address that is not one, with a hint', () => {
    assert.throws(
      () => parseHost('/var/run/docker.sock'),
      (e: unknown) => e instanceof RuntimeError && e.code === 'invalidArgument' && /unix:\/\//.test(e.hint ?? ''),
    );
    assert.throws(() => parseHost('ftp://x'), RuntimeError);
  });

  it('Docker: explicit setting beats DOCKER_HOST, which beats the sockets on disk', () => {
    const env = { DOCKER_HOST: 'tcp://envhost:2375' };
    assert.equal(resolveDockerEndpoint('unix:///custom.sock', { env, exists: none }).socketPath, '/custom.sock');
    assert.equal(resolveDockerEndpoint(undefined, { env, exists: none }).host, 'envhost');
    const desktop = '/home/u/.docker/run/docker.sock';
    assert.equal(
      resolveDockerEndpoint(undefined, { env: {}, home: '/home/u', platform: 'darwin', exists: (p) => p === desktop })
        .socketPath,
      desktop,
    );
    assert.equal(
      resolveDockerEndpoint(undefined, { env: {}, home: '/home/u', platform: 'linux', exists: none }).socketPath,
      '/var/run/docker.sock',
    );
    assert.equal(
      resolveDockerEndpoint(undefined, { env: {}, platform: 'win32', exists: none }).url,
      'npipe:////./pipe/docker_engine',
    );
  });

  it('Podman: rootless socket first, then rootful, then a Podman machine on macOS', () => {
    const rootless = '/run/user/1000/podman/podman.sock';
    const env = { XDG_RUNTIME_DIR: '/run/user/1000' };
    assert.equal(
      resolvePodmanEndpoint(undefined, { env, platform: 'linux', exists: (p) => p === rootless }).socketPath,
      rootless,
    );
    assert.equal(
      resolvePodmanEndpoint(undefined, { env, platform: 'linux', exists: (p) => p === '/run/podman/podman.sock' })
        .socketPath,
      '/run/podman/podman.sock',
    );
    const machine = '/Users/u/.local/share/containers/podman/machine/podman.sock';
    assert.equal(
      resolvePodmanEndpoint(undefined, { env: {}, home: '/Users/u', platform: 'darwin', exists: (p) => p === machine })
        .socketPath,
      machine,
    );
  });

  it('sets where the address came from', () => {
    assert.equal(resolveDockerEndpoint('tcp://h:2375', { env: {}, exists: none }).source, 'setting');
    assert.equal(
      resolveDockerEndpoint(undefined, { env: { DOCKER_HOST: 'tcp://h:2375' }, exists: none }).source,
      'DOCKER_HOST',
    );
    assert.equal(resolveDockerEndpoint(undefined, { env: {}, home: '/home/u', exists: none }).source, 'default socket');
  });
});

/** An SSH public key blob (wire format) of the given type, random otherwise: all the verifier compares. */
function fakeKey(type = 'ssh-ed25519'): Buffer {
  const t = Buffer.from(type);
  const body = randomBytes(32);
  const len = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return Buffer.concat([len(t.length), t, len(body.length), body]);
}
function line(hosts: string, key: Buffer, type = 'ssh-ed25519'): string {
  return `${hosts} ${type} ${key.toString('base64')}`;
}
function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('malformed engine addresses', () => {
  const bad: [string, RegExp][] = [
    ['tcp://', /Not an engine address: "tcp:\/\/"/],
    ['unix://', /no socket path/],
    ['npipe://', /no pipe name/],
    ['ftp://x', /Unsupported engine address scheme "ftp:\/\/"/],
    ['tcp://host:99999', /Not an engine address/],
    ['tcp://host:0', /port 0/],
    ['unix:///tmp/a\u001b[2Jb.sock', /control characters/],
    [`tcp://${'h'.repeat(300)}:2375`, /too long/],
  ];
  for (const [url, pattern] of bad) {
    it(`${url.slice(0, 30)}: invalidArgument naming it, shortened and escaped`, () => {
      assert.throws(
        () => parseHost(url),
        (e: unknown) => {
          assert.ok(e instanceof RuntimeError);
          assert.equal(e.code, 'invalidArgument');
          assert.match(e.message, pattern);
          assert.ok(e.message.length < 160, e.message);
          // eslint-disable-next-line no-control-regex -- control characters are what is looked for
          assert.doesNotMatch(e.message, /\u001b/);
          return true;
        },
      );
    });
  }

  it('a unix socket path with spaces is an address (macOS "Application Support")', () => {
    assert.equal(
      parseHost('unix:///Users/me/Application Support/d.sock').socketPath,
      '/Users/me/Application Support/d.sock',
    );
  });
});

describe('TLS verification for tcp engines stays on unless turned off for that host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cws-tls-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ca.pem'), 'CA');
  const env = { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir };
  const at = (url: string, insecureHosts?: string[], extra: NodeJS.ProcessEnv = env): DockerEndpoint =>
    resolveDockerEndpoint(url, { env: extra, home: dir, exists: existsSync, insecureHosts });

  it('DOCKER_TLS_VERIFY: verified, with the CA', () => {
    const ep = at('tcp://build-box:2376');
    assert.equal(ep.protocol, 'https');
    assert.equal(ep.skipTLSVerify, undefined);
    assert.equal(ep.ca, 'CA');
  });

  it('insecureHosts turns it off for exactly that host:port, no other', () => {
    assert.equal(at('tcp://build-box:2376', ['build-box:2376']).skipTLSVerify, true);
    assert.equal(at('tcp://BUILD-box:2376', ['build-box:2376']).skipTLSVerify, true, 'host names are case-insensitive');
    assert.equal(at('tcp://build-box:2377', ['build-box:2376']).skipTLSVerify, undefined, 'another port');
    assert.equal(at('tcp://other:2376', ['build-box:2376']).skipTLSVerify, undefined, 'another host');
    assert.equal(at('tcp://build-box:2376', ['build-box']).skipTLSVerify, undefined, 'an entry without a port');
    assert.equal(at('tcp://[fd00::5]:2376', ['[fd00::5]:2376']).skipTLSVerify, true, 'IPv6');
    assert.equal(at('https://h:2376', ['h:2376'], {}).skipTLSVerify, true, 'https:// too');
  });

  it('insecureHosts does not make a plain tcp:// address use TLS, nor touch unix sockets', () => {
    assert.equal(at('tcp://h:2375', ['h:2375'], {}).protocol, 'http');
    assert.equal(at('tcp://h:2375', ['h:2375'], {}).skipTLSVerify, undefined);
    assert.equal(at('unix:///var/run/docker.sock', ['localhost:2375']).skipTLSVerify, undefined);
  });

  it('DOCKER_TLS alone: encrypted and verified (not a global switch-off)', () => {
    const ep = at('tcp://h:2376', undefined, { DOCKER_TLS: '1', DOCKER_CERT_PATH: dir });
    assert.equal(ep.protocol, 'https');
    assert.equal(ep.skipTLSVerify, undefined);
  });

  it('isInsecureHost: exact host:port, trimmed, case-insensitive', () => {
    assert.equal(isInsecureHost('h', 2376, ['h:2376']), true);
    assert.equal(isInsecureHost('h', 2376, [' H:2376 ']), true);
    assert.equal(isInsecureHost('h', 2376, []), false);
  });
});

describe('known_hosts checking', () => {
  const key = fakeKey();

  it('plain host on port 22, [host]:port elsewhere', () => {
    assert.equal(checkKnownHosts(line('build-box', key), 'build-box', 22, key).status, 'match');
    assert.equal(
      checkKnownHosts(line('Build-Box', key), 'build-box', 22, key).status,
      'match',
      'host names are not case-sensitive',
    );
    assert.equal(checkKnownHosts(line('[build-box]:2222', key), 'build-box', 2222, key).status, 'match');
    assert.equal(
      checkKnownHosts(line('build-box', key), 'build-box', 2222, key).status,
      'unknown',
      "port 22's entry is not port 2222's",
    );
    assert.equal(checkKnownHosts(line('[build-box]:2222', key), 'build-box', 22, key).status, 'unknown');
    assert.equal(
      checkKnownHosts(line('other,10.0.0.5,build-box', key), 'build-box', 22, key).status,
      'match',
      'comma lists',
    );
  });

  it('hashed entries (|1|salt|hash), for host and [host]:port', () => {
    assert.equal(checkKnownHosts(line(hashed('build-box'), key), 'build-box', 22, key).status, 'match');
    assert.equal(checkKnownHosts(line(hashed('[127.0.0.1]:2222'), key), '127.0.0.1', 2222, key).status, 'match');
    assert.equal(checkKnownHosts(line(hashed('other-box'), key), 'build-box', 22, key).status, 'unknown');
    assert.equal(checkKnownHosts(line('|1|bad', key), 'build-box', 22, key).status, 'unknown');
  });

  it('wildcards and negation, comments, markers and junk lines', () => {
    assert.equal(checkKnownHosts(line('*.example.com', key), 'a.example.com', 22, key).status, 'match');
    assert.equal(checkKnownHosts(line('build-bo?', key), 'build-box', 22, key).status, 'match');
    assert.equal(
      checkKnownHosts(line('*.example.com,!evil.example.com', key), 'evil.example.com', 22, key).status,
      'unknown',
    );
    const text = [
      '# comment',
      '',
      'garbage',
      `@cert-authority *.example.com ssh-ed25519 ${key.toString('base64')}`,
    ].join('\n');
    assert.equal(checkKnownHosts(text, 'a.example.com', 22, key).status, 'unknown', 'a CA key is not a host key');
    const revoked = [line('build-box', key), `@revoked build-box ssh-ed25519 ${key.toString('base64')}`].join('\n');
    assert.equal(checkKnownHosts(revoked, 'build-box', 22, key).status, 'revoked');
  });

  it('a different key of the same type is a changed key; of another type, unknown', () => {
    assert.equal(checkKnownHosts(line('build-box', fakeKey()), 'build-box', 22, key).status, 'changed');
    const rsa = fakeKey('ssh-rsa');
    assert.deepEqual(checkKnownHosts(line('build-box', rsa, 'ssh-rsa'), 'build-box', 22, key), {
      status: 'unknown',
      knownTypes: ['ssh-rsa'],
    });
  });

  it('fingerprints as ssh prints them', () => {
    assert.match(fingerprint(key), /^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe('ssh:// endpoints', () => {
  let home: string;
  let sys: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'cws-ssh-'));
    mkdirSync(join(home, '.ssh'));
    sys = join(home, 'system_known_hosts');
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const resolve = (env: NodeJS.ProcessEnv, url = 'ssh://me@build-box:2222') =>
    resolveDockerEndpoint(url, { env, home, systemKnownHosts: sys });
  const verifier = (ep: DockerEndpoint) => ep.sshOptions!.hostVerifier as (key: Buffer) => boolean;
  const writeKey = (name: string, text: string) => writeFileSync(join(home, '.ssh', name), text, { mode: 0o600 });
  const pkcs8 = (type: 'ed25519' | 'ec', passphrase?: string) =>
    generateKeyPairSync(
      type as 'ed25519',
      {
        ...(type === 'ec' ? { namedCurve: 'P-256' } : {}),
        privateKeyEncoding: passphrase
          ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }
          : { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      } as never,
    ).privateKey;

  it('uses the agent from SSH_AUTH_SOCK when it is there, and reads no key', () => {
    const sock = join(home, 'agent.sock');
    writeFileSync(sock, '');
    writeKey('id_ed25519', pkcs8('ed25519'));
    const ep = resolve({ SSH_AUTH_SOCK: sock });
    assert.equal(ep.sshOptions!.agent, sock);
    assert.equal(ep.sshOptions!.privateKey, undefined);
  });

  it('without an agent: the first of id_ed25519, id_ecdsa, id_rsa that exists and has no passphrase', () => {
    const ecdsa = pkcs8('ec');
    writeKey('id_ecdsa', ecdsa);
    writeKey('id_rsa', 'not a key');
    assert.equal(
      resolve({ SSH_AUTH_SOCK: join(home, 'gone.sock') }).sshOptions!.privateKey,
      ecdsa,
      'an agent socket that is gone does not count',
    );
    const ed = pkcs8('ed25519');
    writeKey('id_ed25519', ed);
    assert.equal(resolve({}).sshOptions!.privateKey, ed);
    writeKey('id_ed25519', pkcs8('ed25519', 'secret'));
    assert.equal(resolve({}).sshOptions!.privateKey, ecdsa, 'a key with a passphrase is skipped');
    rmSync(join(home, '.ssh', 'id_ecdsa'));
    assert.equal(resolve({}).sshOptions!.privateKey, undefined);
  });

  it('tells encrypted OpenSSH-format keys from plain ones', () => {
    const str = (s: string) => {
      const b = Buffer.from(s);
      const l = Buffer.alloc(4);
      l.writeUInt32BE(b.length);
      return Buffer.concat([l, b]);
    };
    const pem = (cipher: string) =>
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${Buffer.concat([
        Buffer.from('openssh-key-v1\0', 'latin1'),
        str(cipher),
        str(cipher === 'none' ? 'none' : 'bcrypt'),
        str(''),
      ]).toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`;
    assert.equal(isEncryptedKey(pem('none')), false);
    assert.equal(isEncryptedKey(pem('aes256-ctr')), true);
    assert.equal(isEncryptedKey('-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n'), true);
  });

  it('keeps private keys out of JSON and console output, but hands them on', () => {
    const key = pkcs8('ed25519');
    writeKey('id_ed25519', key);
    const ep = resolve({});
    assert.equal(ep.sshOptions!.privateKey, key);
    assert.equal({ ...ep.sshOptions }.privateKey, key, 'spread / Object.assign (docker-modem) get the key');
    assert.doesNotMatch(JSON.stringify(ep), /PRIVATE KEY/);
    assert.doesNotMatch(inspect(ep, { depth: 5 }), /PRIVATE KEY/);
    assert.match(JSON.stringify(ep), /<redacted>/);
    assert.deepEqual((JSON.parse(JSON.stringify(ep)) as DockerEndpoint).host, 'build-box');
  });

  it('takes the user from the address, else from USER', () => {
    assert.equal(resolve({ USER: 'alice' }).username, 'me');
    assert.equal(resolve({ USER: 'alice' }, 'ssh://build-box').username, 'alice');
  });

  it('accepts a host in ~/.ssh/known_hosts or the system file; refuses others, and explains with ssh-keyscan', () => {
    const key = fakeKey();
    const ep = resolve({});
    assert.equal(verifier(ep)(key), false, 'no known_hosts at all');
    const err = ep.explainError!(Object.assign(new Error('Host denied (verification failed)'), { level: 'handshake' }));
    assert.ok(err instanceof RuntimeError);
    assert.equal(err.code, 'permission');
    assert.match(err.message, /\[build-box\]:2222 is not known/);
    assert.ok(err.message.includes(fingerprint(key)));
    assert.ok(err.hint?.includes('ssh-keyscan -p 2222 build-box >> ~/.ssh/known_hosts'), err.hint);

    writeFileSync(join(home, '.ssh', 'known_hosts'), `${line('[build-box]:2222', key)}\n`);
    assert.equal(verifier(ep)(key), true, 'known_hosts is read at each connection');
    rmSync(join(home, '.ssh', 'known_hosts'));
    writeFileSync(sys, `${line(hashed('[build-box]:2222'), key)}\n`);
    assert.equal(verifier(ep)(key), true, 'the system-wide file counts too');

    assert.equal(verifier(ep)(fakeKey()), false);
    const changed = ep.explainError!(new Error('Host denied (verification failed)'));
    assert.match(changed!.message, /has changed/);
    assert.match(changed!.hint ?? '', /ssh-keygen -R '\[build-box\]:2222'.*ssh-keyscan -p 2222 build-box/);
  });

  it('prefers the host key types known_hosts has for the host', () => {
    writeFileSync(join(home, '.ssh', 'known_hosts'), `${line('[build-box]:2222', fakeKey('ssh-rsa'), 'ssh-rsa')}\n`);
    const algos = resolve({}).sshOptions!.algorithms as { serverHostKey: { prepend: string[] } };
    assert.deepEqual(algos.serverHostKey.prepend, ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    assert.equal(resolve({}, 'ssh://me@unknown-box').sshOptions!.algorithms, undefined);
  });

  it('explains refused logins, refused connections and timeouts; leaves other errors alone', () => {
    const ep = resolve({});
    const auth = ep.explainError!(
      Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' }),
    );
    assert.equal(auth?.code, 'permission');
    assert.match(auth.message, /"me" to build-box:2222 was refused/);
    assert.match(auth.hint ?? '', /ssh-add/);
    assert.equal(
      ep.explainError!(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))?.code,
      'unavailable',
    );
    assert.equal(
      ep.explainError!(Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' }))
        ?.code,
      'timeout',
    );
    assert.equal(ep.explainError!(new Error('(HTTP code 404) no such container')), undefined);
    // A RuntimeError wrapping ssh2's error (as fromEngineError makes) is explained by its cause.
    const wrapped = new RuntimeError('internal', 'Host denied (verification failed)', undefined, {
      cause: new Error('Host denied (verification failed)'),
    });
    assert.match(ep.explainError!(wrapped)?.hint ?? '', /ssh-keyscan/);
  });
});

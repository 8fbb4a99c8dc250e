import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveDockerEndpoint, type EndpointEnv } from '../../src/core/runtime/docker/endpoint';
import { contextId } from '../../src/core/runtime/docker/dockerContext';
import { RuntimeError } from '../../src/core/runtime/errors';

const run = promisify(execFile);
const CA = '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\ncert\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n';

function isRuntimeError(code: string, message: RegExp, hint?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof RuntimeError, `expected a RuntimeError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    if (hint) assert.match(e.hint ?? '', hint);
    return true;
  };
}

describe('Docker contexts, TLS and DOCKER_CONFIG', () => {
  let root: string;
  let home: string;
  let cfg: string; // ~/.docker

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cws-ctx-'));
    home = join(root, 'home');
    cfg = join(home, '.docker');
    mkdirSync(cfg, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Resolves with this test's home, a fixed platform and nothing from the real machine but the fs under root. */
  function resolve(env: NodeJS.ProcessEnv, explicit?: string, extra: EndpointEnv = {}) {
    return resolveDockerEndpoint(explicit, {
      env,
      home,
      platform: 'linux',
      systemKnownHosts: join(root, 'none'),
      ...extra,
    });
  }
  function writeConfig(dir: string, body: unknown): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), typeof body === 'string' ? body : JSON.stringify(body));
  }
  function writeContext(
    dir: string,
    name: string,
    host: string,
    o: { skip?: boolean; tls?: { ca?: string; cert?: string; key?: string }; raw?: string } = {},
  ): void {
    const id = createHash('sha256').update(name).digest('hex');
    const meta = join(dir, 'contexts', 'meta', id);
    mkdirSync(meta, { recursive: true });
    writeFileSync(
      join(meta, 'meta.json'),
      o.raw ??
        JSON.stringify({
          Name: name,
          Metadata: {},
          Endpoints: { docker: { Host: host, SkipTLSVerify: o.skip ?? false } },
        }),
    );
    if (o.tls) {
      const tls = join(dir, 'contexts', 'tls', id, 'docker');
      mkdirSync(tls, { recursive: true });
      for (const [f, text] of Object.entries(o.tls)) writeFileSync(join(tls, `${f}.pem`), text);
    }
  }

  it("names a context's directory by the sha256 of its name, in hex", () => {
    // `printf remote | sha256sum`, and where `docker context create remote` stores it.
    assert.equal(contextId('remote'), 'b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a');
  });

  it('uses currentContext from config.json: a tcp context with TLS files becomes https with their PEM text', () => {
    writeConfig(cfg, { auths: {}, currentContext: 'remote' });
    writeContext(cfg, 'remote', 'tcp://10.1.2.3:2376', { tls: { ca: CA, cert: CERT, key: KEY } });
    const ep = resolve({});
    assert.equal(ep.source, 'context "remote"');
    assert.equal(ep.protocol, 'https');
    assert.equal(ep.host, '10.1.2.3');
    assert.equal(ep.port, 2376);
    assert.equal(ep.ca, CA);
    assert.equal(ep.cert, CERT);
    assert.equal(ep.key, KEY);
    assert.equal(ep.skipTLSVerify, undefined);
    assert.equal(ep.url, 'tcp://10.1.2.3:2376');
    assert.doesNotMatch(JSON.stringify(ep), /PRIVATE KEY/, 'the TLS key stays out of logs');
    assert.match(JSON.stringify(ep), /BEGIN CERTIFICATE/);
  });

  it('a context with only a CA is https without a client certificate; one with neither stays http', () => {
    writeContext(cfg, 'ca-only', 'tcp://h:2376', { tls: { ca: CA } });
    writeContext(cfg, 'plain', 'tcp://h:2375');
    const caOnly = resolve({ DOCKER_CONTEXT: 'ca-only' });
    assert.equal(caOnly.protocol, 'https');
    assert.equal(caOnly.ca, CA);
    assert.equal(caOnly.cert, undefined);
    const plain = resolve({ DOCKER_CONTEXT: 'plain' });
    assert.equal(plain.protocol, 'http');
    assert.equal(plain.ca, undefined);
  });

  it('SkipTLSVerify alone makes a tcp context https without verification', () => {
    writeContext(cfg, 'skip', 'tcp://h', { skip: true });
    const ep = resolve({ DOCKER_CONTEXT: 'skip' });
    assert.equal(ep.protocol, 'https');
    assert.equal(ep.skipTLSVerify, true);
    assert.equal(ep.port, 2376, 'the TLS port when the address names none');
  });

  it('unix and ssh contexts: a socket path, or ssh with ssh2 options; TLS files do not apply', () => {
    writeContext(cfg, 'colima', 'unix:///Users/me/.colima/default/docker.sock', { tls: { ca: CA } });
    writeContext(cfg, 'box', 'ssh://me@build-box:2222');
    const colima = resolve({ DOCKER_CONTEXT: 'colima' });
    assert.equal(colima.socketPath, '/Users/me/.colima/default/docker.sock');
    assert.equal(colima.ca, undefined);
    assert.equal(colima.source, 'context "colima"');
    const box = resolve({ DOCKER_CONTEXT: 'box' });
    assert.equal(box.protocol, 'ssh');
    assert.equal(box.host, 'build-box');
    assert.equal(box.port, 2222);
    assert.equal(box.username, 'me');
    assert.equal(typeof box.sshOptions?.hostVerifier, 'function');
  });

  it('DOCKER_CONTEXT beats currentContext', () => {
    writeConfig(cfg, { currentContext: 'remote' });
    writeContext(cfg, 'remote', 'tcp://remote:2375');
    writeContext(cfg, 'other', 'tcp://other:2375');
    assert.equal(resolve({ DOCKER_CONTEXT: 'other' }).host, 'other');
    assert.equal(resolve({ DOCKER_CONTEXT: 'other' }).source, 'context "other"');
    assert.equal(resolve({ DOCKER_CONTEXT: '' }).host, 'remote', 'an empty DOCKER_CONTEXT is unset');
  });

  it('DOCKER_HOST beats DOCKER_CONTEXT and currentContext; the setting beats everything', () => {
    writeConfig(cfg, { currentContext: 'remote' });
    writeContext(cfg, 'remote', 'tcp://remote:2375');
    writeContext(cfg, 'other', 'tcp://other:2375');
    const env = { DOCKER_HOST: 'tcp://envhost:2375', DOCKER_CONTEXT: 'other' };
    const fromEnv = resolve(env);
    assert.equal(fromEnv.host, 'envhost');
    assert.equal(fromEnv.source, 'DOCKER_HOST');
    const fromSetting = resolve(env, 'unix:///custom.sock');
    assert.equal(fromSetting.socketPath, '/custom.sock');
    assert.equal(fromSetting.source, 'setting');
  });

  it('DOCKER_HOST beats a context even when that context does not exist (it is never read)', () => {
    writeConfig(cfg, '{ not json');
    assert.equal(resolve({ DOCKER_HOST: 'tcp://envhost:2375', DOCKER_CONTEXT: 'missing' }).host, 'envhost');
  });

  it('the "default" context, no config.json, an empty one, or one without currentContext: the local sockets', () => {
    const expectDefault = (env: NodeJS.ProcessEnv, why: string) => {
      const ep = resolve(env, undefined, { exists: (p) => p.startsWith(root) || p === '/var/run/docker.sock' });
      assert.equal(ep.socketPath, '/var/run/docker.sock', why);
      assert.equal(ep.source, 'default socket', why);
    };
    expectDefault({}, 'no config.json');
    writeConfig(cfg, '');
    expectDefault({}, 'empty config.json');
    writeConfig(cfg, { auths: {} });
    expectDefault({}, 'no currentContext');
    writeConfig(cfg, { currentContext: 'default' });
    expectDefault({}, 'currentContext "default"');
    writeConfig(cfg, { currentContext: 'remote' });
    writeContext(cfg, 'remote', 'tcp://remote:2375');
    expectDefault({ DOCKER_CONTEXT: 'default' }, 'DOCKER_CONTEXT=default over a current context');
  });

  it('a context that is not there: invalidArgument naming it, with docker context ls / use default', () => {
    assert.throws(
      () => resolve({ DOCKER_CONTEXT: 'nope' }),
      isRuntimeError(
        'invalidArgument',
        /"nope".*DOCKER_CONTEXT.*does not exist/,
        /docker context ls.*unset DOCKER_CONTEXT/,
      ),
    );
    writeConfig(cfg, { currentContext: 'gone' });
    assert.throws(
      () => resolve({}),
      isRuntimeError(
        'invalidArgument',
        /"gone".*currentContext.*config\.json.*does not exist/,
        /docker context ls.*docker context use default/,
      ),
    );
  });

  it('a malformed config.json: a clear error that does not quote the file (it can hold credentials)', () => {
    writeConfig(cfg, '{"auths": {"registry": {"auth": "c2VjcmV0LXRva2Vu"}}, "currentContext": ');
    assert.throws(
      () => resolve({}),
      (e: unknown) => {
        isRuntimeError('invalidArgument', /config\.json is not valid JSON/)(e);
        const err = e as RuntimeError;
        assert.ok(err.message.includes(join(cfg, 'config.json')));
        assert.doesNotMatch(`${err.message} ${err.hint}`, /c2VjcmV0|auths/);
        return true;
      },
    );
    writeConfig(cfg, '["an", "array"]');
    assert.throws(() => resolve({}), isRuntimeError('invalidArgument', /not a JSON object/));
    writeConfig(cfg, { currentContext: 42 });
    assert.throws(
      () => resolve({}),
      isRuntimeError('invalidArgument', /"currentContext".*not a string/, /docker context use default/),
    );
  });

  it('a malformed or incomplete meta.json: a clear error naming the context', () => {
    writeContext(cfg, 'broken', '', { raw: '{"Name": "broken", "Endpoints": {' });
    assert.throws(
      () => resolve({ DOCKER_CONTEXT: 'broken' }),
      isRuntimeError('invalidArgument', /context "broken".*meta\.json is not valid JSON/),
    );
    writeContext(cfg, 'empty', '', { raw: '' });
    assert.throws(
      () => resolve({ DOCKER_CONTEXT: 'empty' }),
      isRuntimeError('invalidArgument', /context "empty".*not valid JSON/),
    );
    writeContext(cfg, 'k8s-only', '', { raw: JSON.stringify({ Name: 'k8s-only', Endpoints: { kubernetes: {} } }) });
    assert.throws(
      () => resolve({ DOCKER_CONTEXT: 'k8s-only' }),
      isRuntimeError('invalidArgument', /"k8s-only" has no Docker endpoint/, /docker context inspect/),
    );
    writeContext(cfg, 'weird', 'ftp://nowhere');
    assert.throws(
      () => resolve({ DOCKER_CONTEXT: 'weird' }),
      isRuntimeError('invalidArgument', /"weird" has an engine address that is not one/),
    );
  });

  it('DOCKER_CONFIG moves config.json and the context store', () => {
    const other = join(root, 'elsewhere');
    writeConfig(other, { currentContext: 'moved' });
    writeContext(other, 'moved', 'tcp://moved:2375');
    writeConfig(cfg, { currentContext: 'home-one' });
    writeContext(cfg, 'home-one', 'tcp://home-one:2375');
    assert.equal(resolve({ DOCKER_CONFIG: other }).host, 'moved');
    assert.equal(resolve({}).host, 'home-one', 'without DOCKER_CONFIG: ~/.docker');
    assert.throws(
      () => resolve({ DOCKER_CONFIG: other, DOCKER_CONTEXT: 'home-one' }),
      isRuntimeError('invalidArgument', /"home-one"/),
    );
  });

  describe('DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', () => {
    function writeCerts(dir: string, files: Record<string, string>): void {
      mkdirSync(dir, { recursive: true });
      for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    }

    it('a tcp DOCKER_HOST becomes https with ca/cert/key from DOCKER_CERT_PATH', () => {
      const certs = join(root, 'certs');
      writeCerts(certs, { 'ca.pem': CA, 'cert.pem': CERT, 'key.pem': KEY });
      const ep = resolve({ DOCKER_HOST: 'tcp://tls-host:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
      assert.equal(ep.protocol, 'https');
      assert.equal(ep.host, 'tls-host');
      assert.equal(ep.port, 2376);
      assert.deepEqual([ep.ca, ep.cert, ep.key], [CA, CERT, KEY]);
      assert.equal(ep.skipTLSVerify, undefined);
      assert.equal(ep.source, 'DOCKER_HOST');
    });

    it('any non-empty DOCKER_TLS_VERIFY counts (as for the docker CLI); an address without a port gets 2376', () => {
      writeCerts(cfg, { 'ca.pem': CA });
      const ep = resolve({ DOCKER_HOST: 'tcp://tls-host', DOCKER_TLS_VERIFY: '0' });
      assert.equal(ep.protocol, 'https');
      assert.equal(ep.port, 2376);
      assert.equal(
        resolve({ DOCKER_HOST: 'tcp://tls-host:2375', DOCKER_TLS_VERIFY: '' }).protocol,
        'http',
        'empty = unset',
      );
    });

    it('without DOCKER_CERT_PATH the files come from the config dir (DOCKER_CONFIG or ~/.docker)', () => {
      writeCerts(cfg, { 'ca.pem': CA, 'cert.pem': CERT, 'key.pem': KEY });
      assert.equal(resolve({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1' }).cert, CERT);
      const other = join(root, 'cfg2');
      writeCerts(other, { 'ca.pem': 'other CA' });
      const ep = resolve({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: other });
      assert.equal(ep.ca, 'other CA');
      assert.equal(ep.cert, undefined, 'cert and key are optional, as a pair');
    });

    it('applies to the setting too (like docker -H), but not to unix or ssh addresses', () => {
      writeCerts(cfg, { 'ca.pem': CA });
      const env = { DOCKER_TLS_VERIFY: '1' };
      assert.equal(resolve(env, 'tcp://set:2376').protocol, 'https');
      assert.equal(resolve(env, 'tcp://set:2376').ca, CA);
      assert.equal(resolve(env, 'unix:///var/run/docker.sock').ca, undefined);
      assert.equal(resolve({ ...env, DOCKER_HOST: 'ssh://me@box' }).protocol, 'ssh');
    });

    it('DOCKER_TLS alone encrypts and still verifies (against the system CAs, or ca.pem when there is one)', () => {
      const ep = resolve({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS: '1' });
      assert.equal(ep.protocol, 'https');
      assert.equal(ep.skipTLSVerify, undefined, 'DOCKER_TLS does not turn verification off for every host');
      assert.equal(ep.ca, undefined);
      writeCerts(cfg, { 'ca.pem': CA });
      assert.equal(resolve({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS: '1' }).ca, CA);
    });

    it('a missing CA, or half a client key pair: RuntimeError with a hint', () => {
      const certs = join(root, 'certs');
      writeCerts(certs, { 'cert.pem': CERT, 'key.pem': KEY });
      assert.throws(
        () => resolve({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }),
        isRuntimeError(
          'invalidArgument',
          /DOCKER_TLS_VERIFY is set but there is no CA certificate at .*ca\.pem/,
          /DOCKER_CERT_PATH.*unset DOCKER_TLS_VERIFY/,
        ),
      );
      writeCerts(certs, { 'ca.pem': CA });
      rmSync(join(certs, 'key.pem'));
      assert.throws(
        () => resolve({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }),
        isRuntimeError('invalidArgument', /key\.pem is missing/),
      );
    });

    it('does not apply to a context, which has its own TLS files', () => {
      writeCerts(cfg, { 'ca.pem': CA });
      writeContext(cfg, 'plain', 'tcp://plain:2375');
      const ep = resolve({ DOCKER_CONTEXT: 'plain', DOCKER_TLS_VERIFY: '1' });
      assert.equal(ep.protocol, 'http');
      assert.equal(ep.ca, undefined);
    });
  });

  describe("against the docker CLI's own context store", function () {
    let haveDocker = false;
    let haveOpenssl = false;
    before(async function () {
      haveDocker = await run('docker', ['--version']).then(
        () => true,
        () => false,
      );
      haveOpenssl = await run('openssl', ['version']).then(
        () => true,
        () => false,
      );
      if (!haveDocker) {
        console.log('      skipping: the docker CLI is not on PATH');
        this.skip();
      }
    });

    it('resolves the contexts `docker context create` writes, and picks the one `docker context show` picks', async function () {
      this.timeout(30_000);
      const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: cfg };
      for (const v of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_TLS', 'DOCKER_CERT_PATH'])
        delete env[v];
      const docker = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
        run('docker', args, { env: { ...env, ...extra }, timeout: 15_000 }).then((r) => r.stdout.trim());
      let tlsFiles: string[] = [];
      if (haveOpenssl) {
        const dir = join(root, 'pki');
        mkdirSync(dir);
        for (const [key, cert, cn] of [
          ['ca-key.pem', 'ca.pem', 'test-ca'],
          ['key.pem', 'cert.pem', 'client'],
        ]) {
          await run('openssl', [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:P-256',
            '-nodes',
            '-keyout',
            join(dir, key),
            '-out',
            join(dir, cert),
            '-days',
            '1',
            '-subj',
            `/CN=${cn}`,
          ]);
        }
        tlsFiles = [`ca=${join(dir, 'ca.pem')}`, `cert=${join(dir, 'cert.pem')}`, `key=${join(dir, 'key.pem')}`];
      }
      await docker(['context', 'create', 'remote', '--docker', ['host=tcp://10.1.2.3:2376', ...tlsFiles].join(',')]);
      await docker(['context', 'create', 'insecure', '--docker', 'host=tcp://10.9.9.9:2376,skip-tls-verify=true']);
      await docker(['context', 'create', 'box', '--docker', 'host=ssh://me@build-box:2222']);
      await docker(['context', 'use', 'remote']);

      const ours = (extra: NodeJS.ProcessEnv) => resolve({ DOCKER_CONFIG: cfg, ...extra });
      for (const extra of [
        {},
        { DOCKER_CONTEXT: 'box' },
        { DOCKER_CONTEXT: 'insecure' },
        { DOCKER_CONTEXT: 'default' },
      ]) {
        const name = await docker(['context', 'show'], extra);
        const ep = ours(extra);
        if (name === 'default') {
          assert.equal(ep.source, 'default socket');
          continue;
        }
        assert.equal(ep.source, `context "${name}"`);
        assert.equal(ep.url, await docker(['context', 'inspect', name, '--format', '{{.Endpoints.docker.Host}}']));
        const skip = await docker(['context', 'inspect', name, '--format', '{{.Endpoints.docker.SkipTLSVerify}}']);
        assert.equal(ep.skipTLSVerify === true, skip === 'true', `SkipTLSVerify of ${name}`);
      }
      const remote = ours({});
      assert.equal(remote.protocol, haveOpenssl ? 'https' : 'http');
      if (haveOpenssl) {
        assert.match(remote.ca ?? '', /BEGIN CERTIFICATE/);
        assert.match(remote.cert ?? '', /BEGIN CERTIFICATE/);
        assert.match(remote.key ?? '', /PRIVATE KEY/);
      }
      // DOCKER_HOST wins over DOCKER_CONTEXT for the docker CLI as for us.
      assert.equal(
        await docker(['context', 'show'], { DOCKER_HOST: 'tcp://x:2375', DOCKER_CONTEXT: 'box' }),
        'default',
      );
      assert.equal(ours({ DOCKER_HOST: 'tcp://x:2375', DOCKER_CONTEXT: 'box' }).source, 'DOCKER_HOST');
    });
  });
});

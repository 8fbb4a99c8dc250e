// The user's Docker credentials as the docker CLI keeps them: config.json in DOCKER_CONFIG or
// ~/.docker, `auths` in its three forms, Docker Hub's aliases, credHelpers before credsStore before
// auths, and helpers that are missing, hang, babble or fail — each falling back to anonymous with
// a note that never holds the secret.
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupDockerCredentials } from '../../src/core/registry/credentials';

describe('Docker credentials for a registry', () => {
  let dir: string;
  let bin: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cws-creds-'));
    bin = join(dir, 'bin');
    mkdirSync(bin);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (config: unknown, at = join(dir, 'cfg')) => {
    mkdirSync(at, { recursive: true });
    writeFileSync(join(at, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
    return at;
  };
  const helper = (name: string, script: string) => {
    writeFileSync(join(bin, `docker-credential-${name}`), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, `docker-credential-${name}`), 0o755);
  };
  const env = () => ({ DOCKER_CONFIG: join(dir, 'cfg'), PATH: `${bin}:/usr/bin:/bin` });
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it('reads `auths` by base64 auth, username/password and identitytoken, keys in any form', async () => {
    write({
      auths: {
        'https://reg.one:5000/v1/': { auth: b64('alice:pa:ss') },
        'reg.two': { username: 'bob', password: 'pw' },
        'http://reg.three': { identitytoken: 'refresh' },
      },
    });
    assert.deepEqual((await lookupDockerCredentials('reg.one:5000', { env: env() })).credential, {
      username: 'alice',
      password: 'pa:ss',
    });
    assert.deepEqual((await lookupDockerCredentials('reg.two', { env: env() })).credential, {
      username: 'bob',
      password: 'pw',
    });
    assert.equal((await lookupDockerCredentials('reg.three', { env: env() })).credential?.identityToken, 'refresh');
    assert.equal((await lookupDockerCredentials('reg.four', { env: env() })).credential, undefined);
  });

  it('Docker Hub: docker.io finds the https://index.docker.io/v1/ entry', async () => {
    write({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } });
    const r = await lookupDockerCredentials('docker.io', { env: env() });
    assert.equal(r.credential?.username, 'hub');
  });

  it('~/.docker when DOCKER_CONFIG is not set', async () => {
    write({ auths: { 'reg.home': { auth: b64('h:p') } } }, join(dir, 'home', '.docker'));
    const r = await lookupDockerCredentials('reg.home', { env: {}, home: join(dir, 'home') });
    assert.equal(r.credential?.username, 'h');
  });

  it("credHelpers first, then credsStore, then auths; a helper's <token> user is a refresh token", async () => {
    helper('own', `read s; [ "$s" = reg.own ] && printf '{"Username":"<token>","Secret":"idt"}' || exit 1`);
    helper('store', `read s; printf '{"Username":"store-user","Secret":"s3"}'`);
    write({
      credHelpers: { 'reg.own': 'own' },
      credsStore: 'store',
      auths: { 'reg.own': { auth: b64('file:pw') }, 'reg.other': { auth: b64('file:pw') } },
    });
    const own = await lookupDockerCredentials('reg.own', { env: env() });
    assert.deepEqual([own.source, own.credential], ['docker-credential-own', { identityToken: 'idt' }]);
    const other = await lookupDockerCredentials('reg.other', { env: env() });
    assert.deepEqual([other.source, other.credential?.username], ['docker-credential-store', 'store-user']);
  });

  it('Docker Hub is asked of a helper as https://index.docker.io/v1/', async () => {
    helper(
      'hub',
      `read s; [ "$s" = "https://index.docker.io/v1/" ] && printf '{"Username":"u","Secret":"s"}' || exit 1`,
    );
    write({ credsStore: 'hub' });
    assert.equal((await lookupDockerCredentials('docker.io', { env: env() })).credential?.username, 'u');
  });

  it('a helper that is not installed: anonymous, with a note naming it', async () => {
    write({ credsStore: 'desktop', auths: { 'reg.x': {} } });
    const r = await lookupDockerCredentials('reg.x', { env: env() });
    assert.equal(r.credential, undefined);
    assert.deepEqual(r.notes, ["docker-credential-desktop is not installed (named in Docker's config.json)."]);
  });

  it('a helper that says "not found" (exit 1) falls through to auths without a note', async () => {
    helper('none', 'echo "credentials not found in native keychain"; exit 1');
    write({ credsStore: 'none', auths: { 'reg.x': { auth: b64('file:pw') } } });
    const r = await lookupDockerCredentials('reg.x', { env: env() });
    assert.equal(r.credential?.username, 'file');
    assert.deepEqual(r.notes, []);
  });

  it('a helper that hangs is killed at the time-out', async () => {
    helper('hang', 'exec sleep 30');
    write({ credsStore: 'hang' });
    const t = Date.now();
    const r = await lookupDockerCredentials('reg.x', { env: env(), helperTimeoutMs: 300 });
    assert.ok(Date.now() - t < 3000);
    assert.match(r.notes[0], /did not answer within 300 ms and was stopped/);
  });

  it('a helper that babbles (huge, not JSON, no Secret): a note, never its output', async () => {
    for (const [script, note] of [
      ['yes SECRETSECRET', /more than 65536 bytes/],
      ['echo "SECRET-ish garbage"', /not JSON/],
      [`printf '{"Username":"u"}'`, /without a Secret/],
      ['exit 7', /failed \(exit code 7\)/],
    ] as const) {
      helper('b', script);
      write({ credsStore: 'b' });
      const r = await lookupDockerCredentials('reg.x', { env: env() });
      assert.equal(r.credential, undefined, script);
      assert.match(r.notes.join(' '), note);
      assert.doesNotMatch(r.notes.join(' '), /SECRET/);
    }
  });

  it('a helper name with a path in it is refused, not run', async () => {
    write({ credsStore: '../../bin/sh' });
    const r = await lookupDockerCredentials('reg.x', { env: env() });
    assert.match(r.notes[0], /is not valid/);
  });

  it('a broken, non-object, huge or special config.json: anonymous with a note, no secret', async () => {
    write('{"auths": {"reg.x": {"auth": "c2VjcmV0"}');
    assert.match((await lookupDockerCredentials('reg.x', { env: env() })).notes[0], /is not valid JSON/);
    write('[1,2]');
    assert.match((await lookupDockerCredentials('reg.x', { env: env() })).notes[0], /is not a JSON object/);
    write(`{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`);
    assert.match((await lookupDockerCredentials('reg.x', { env: env() })).notes[0], /tooLarge/);
    rmSync(join(dir, 'cfg'), { recursive: true });
    mkdirSync(join(dir, 'cfg', 'config.json'), { recursive: true });
    assert.match((await lookupDockerCredentials('reg.x', { env: env() })).notes[0], /notFile/);
  });

  it('no config at all: anonymous, no note', async () => {
    assert.deepEqual(await lookupDockerCredentials('reg.x', { env: { DOCKER_CONFIG: join(dir, 'nothing') } }), {
      source: 'none',
      notes: [],
    });
  });
});

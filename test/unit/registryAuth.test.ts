// How the registry client signs in: the WWW-Authenticate challenge as registries write it, which
// hosts get plain http, config-key normalisation, and the Bearer token dance against a loopback
// registry + token service (basic credentials, a refresh token, the token reused for the next call).
import * as assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseChallenge } from '../../src/core/registry/challenge';
import { RegistryClient } from '../../src/core/registry/client';
import { registryKey, type RegistryCredential } from '../../src/core/registry/credentials';
import { usesPlainHttp } from '../../src/core/registry/http';

describe('registry sign-in', () => {
  describe('parseChallenge', () => {
    it('reads Bearer realm, service and scope, quoted commas included', () => {
      assert.deepEqual(
        parseChallenge(
          'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push"',
        ),
        {
          scheme: 'bearer',
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:a/b:pull,push',
        },
      );
    });
    it('Basic, any case; unquoted values; escapes', () => {
      assert.deepEqual(parseChallenge('basic realm=cws'), { scheme: 'basic', realm: 'cws' });
      assert.deepEqual(parseChallenge('Bearer realm="https://x/t\\"q"'), {
        scheme: 'bearer',
        realm: 'https://x/t"q',
        service: undefined,
        scope: undefined,
      });
    });
    it('a Bearer without realm, another scheme, nothing, or a 1 MB header: unknown, quickly', () => {
      assert.equal(parseChallenge('Bearer service="x"').scheme, 'unknown');
      assert.equal(parseChallenge('Negotiate abc').scheme, 'unknown');
      assert.equal(parseChallenge(undefined).scheme, 'unknown');
      const t = Date.now();
      assert.equal(parseChallenge(`Bearer ${'a=b,'.repeat(250_000)}realm="x"`).scheme, 'unknown');
      assert.ok(Date.now() - t < 500);
    });
  });

  it('plain http only for loopback and listed hosts', () => {
    for (const h of ['127.0.0.1:5000', '127.8.9.10', 'localhost:5000', '[::1]:5000', 'LOCALHOST'])
      assert.ok(usesPlainHttp(h), h);
    for (const h of ['ghcr.io', '10.0.0.1:5000', '127.0.0.1.nip.io', 'localhost.example.com'])
      assert.ok(!usesPlainHttp(h), h);
    assert.ok(usesPlainHttp('reg.lan:5000', ['reg.lan:5000']));
    assert.ok(usesPlainHttp('reg.lan:5000', ['reg.lan']));
    assert.ok(!usesPlainHttp('reg.lan:5001', ['reg.lan:5000']));
  });

  it('config keys name the same registry however they are written', () => {
    assert.equal(registryKey('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(registryKey('registry-1.docker.io'), 'docker.io');
    assert.equal(registryKey('http://LocalHost:5000/v2/'), 'localhost:5000');
    assert.equal(registryKey('ghcr.io'), 'ghcr.io');
  });

  it('refuses names that are not registries or repositories before any request', async () => {
    assert.throws(() => new RegistryClient('evil.com/../x'), /is not a registry host\[:port\]/);
    const c = new RegistryClient('127.0.0.1:9');
    await assert.rejects(c.getManifest('../../etc', 'latest'), /is not a repository name/);
    await assert.rejects(c.getManifest('a/b', 'bad tag'), /is not a tag or a sha256 digest/);
  });

  describe('Bearer token flow on loopback', () => {
    let server: Server;
    let host: string;
    const tokenRequests: { method: string; url: string; authorization?: string; body: string }[] = [];
    let manifestCalls = 0;
    const manifest = JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: 'x', digest: `sha256:${'0'.repeat(64)}`, size: 0 },
      layers: [],
    });

    const body = (req: IncomingMessage) =>
      new Promise<string>((r) => {
        let s = '';
        req.on('data', (b: Buffer) => (s += b.toString()));
        req.on('end', () => r(s));
      });

    before(async () => {
      server = createServer((req, res) => {
        void (async () => {
          if (req.url?.startsWith('/token')) {
            tokenRequests.push({
              method: req.method ?? '',
              url: req.url,
              authorization: req.headers.authorization,
              body: await body(req),
            });
            return res.writeHead(200).end(JSON.stringify({ access_token: 'tok-123' }));
          }
          manifestCalls++;
          if (req.headers.authorization !== 'Bearer tok-123')
            return res
              .writeHead(401, {
                'www-authenticate': `Bearer realm="http://${host}/token",service="fake-registry",scope="repository:team/app:pull"`,
              })
              .end();
          res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(manifest);
        })();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise((r) => server.close(r)));
    beforeEach(() => {
      tokenRequests.length = 0;
      manifestCalls = 0;
    });

    const client = (credential?: RegistryCredential) =>
      new RegistryClient(host, { credentials: () => Promise.resolve({ credential, source: 'test', notes: [] }) });

    it('with a username and password: GET realm?service&scope with Basic, then the token, reused', async () => {
      const c = client({ username: 'me', password: 'pw' });
      await c.getManifest('team/app', '1');
      await c.getManifest('team/app', '2');
      assert.equal(tokenRequests.length, 1, 'one token for both calls');
      const u = new URL(tokenRequests[0].url, 'http://x');
      assert.equal(u.searchParams.get('service'), 'fake-registry');
      assert.equal(u.searchParams.get('scope'), 'repository:team/app:pull');
      assert.equal(tokenRequests[0].authorization, `Basic ${Buffer.from('me:pw').toString('base64')}`);
      assert.equal(manifestCalls, 3, 'anonymous, with the token, with the token again');
    });

    it('anonymous: a token without credentials (as Docker Hub gives for public images)', async () => {
      await client(undefined).getManifest('team/app', '1');
      assert.equal(tokenRequests[0].authorization, undefined);
    });

    it('with an identity token: POST grant_type=refresh_token', async () => {
      await client({ identityToken: 'refresh-xyz' }).getManifest('team/app', '1');
      assert.equal(tokenRequests[0].method, 'POST');
      const form = new URLSearchParams(tokenRequests[0].body);
      assert.equal(form.get('grant_type'), 'refresh_token');
      assert.equal(form.get('refresh_token'), 'refresh-xyz');
      assert.equal(form.get('scope'), 'repository:team/app:pull');
    });
  });
});

// Registries that answer badly (Node http servers on 127.0.0.1) against our real client and
// fetchOciFeature: hanging, garbage, huge manifests, wrong digests, hostile archives, blobs that
// never end, endless redirects. Each must end in a clear RuntimeError naming the Feature within its
// time-out, never a TypeError or a hang, and leave nothing behind; each is counted with tryBadInput.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { RegistryClient, type RegistryClientOptions } from '../../src/core/registry/client';
import { fetchOciFeature, fetchTarballFeature } from '../../src/core/registry/feature';
import { RuntimeError } from '../../src/core/runtime/errors';
import { sha256, tarOf } from '../support/ociPublish';
import { tryBadInput } from '../support/tally';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A fake registry: one handler per path (regex), 404 otherwise; records what it was asked. */
class FakeRegistry {
  readonly seen: { url: string; authorization?: string }[] = [];
  private routes: [RegExp, Handler][] = [];
  private server?: Server;
  host = '';
  on(path: RegExp, h: Handler): this {
    this.routes.unshift([path, h]);
    return this;
  }
  async start(bind = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => {
      this.seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      const route = this.routes.find(([re]) => re.test(req.url ?? ''));
      if (route) route[1](req, res);
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
    });
    await new Promise<void>((r) => this.server?.listen(0, bind, r));
    this.host = `${bind}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

const FAST: RegistryClientOptions = { timeoutMs: 3000, blobTimeoutMs: 3000, idleTimeoutMs: 700 };
const REPO = 'cws/bad';

function manifestFor(layer: Buffer, extra: object = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.devcontainers', digest: sha256('{}'), size: 2 },
      layers: [{ mediaType: 'application/vnd.devcontainers.layer.v1+tar', digest: sha256(layer), size: layer.length }],
      ...extra,
    }),
  );
}

/** Serves a Feature whose layer is `layer` (served as `served`, default the same bytes). */
function serveFeature(reg: FakeRegistry, layer: Buffer, served: Buffer = layer): void {
  const manifest = manifestFor(layer);
  reg.on(/\/manifests\//, (_q, res) =>
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(manifest),
  );
  reg.on(/\/blobs\//, (_q, res) => res.writeHead(200).end(served));
}

function assertClear(err: unknown, pattern: RegExp): RuntimeError {
  assert.ok(err instanceof RuntimeError, `expected a RuntimeError, got ${String((err as Error)?.stack ?? err)}`);
  assert.match(err.message, pattern);
  assert.doesNotMatch(err.message, /TypeError|\n/);
  assert.ok(err.message.length < 400, `message too long: ${err.message}`);
  return err;
}

describe('registries that answer badly (fake registries on loopback, our real client)', function () {
  this.timeout(30_000);
  let reg: FakeRegistry;
  let work: string;
  beforeEach(async () => {
    reg = await new FakeRegistry().start();
    work = mkdtempSync(join(tmpdir(), 'cws-badreg-'));
  });
  afterEach(async () => {
    await reg.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** fetchOciFeature against the fake registry must fail with `pattern`, leaving nothing in destDir. */
  async function featureFails(name: string, pattern: RegExp, limitMs = 10_000): Promise<RuntimeError> {
    const dest = join(work, 'dest');
    const r = await tryBadInput(
      `registry: ${name}`,
      (signal) =>
        fetchOciFeature({ registry: reg.host, repository: REPO, tag: '1' }, dest, {
          label: 'Feature "bad"',
          signal,
          client: FAST,
          credentials: () => Promise.resolve({ source: 'none', notes: [] }),
        }),
      { limitMs },
    );
    assert.equal(r.value, undefined, `${name}: expected an error`);
    const err = assertClear(r.error, pattern);
    assert.match(err.message, /^Feature "bad" \(127\.0\.0\.1:\d+\/cws\/bad\)/, 'names the Feature and where');
    assert.ok(!existsSync(dest) || readdirSync(dest).length === 0, 'nothing half-fetched is left');
    return err;
  }

  it('nothing listening: refused', async () => {
    const port = Number(reg.host.split(':')[1]);
    await reg.close();
    const err = new RegistryClient(`127.0.0.1:${port}`, FAST).getManifest(REPO, '1', { label: 'Feature "bad"' });
    const r = await tryBadInput('registry: connection refused', () => err);
    assertClear(r.error, /refused the connection/);
    reg = await new FakeRegistry().start();
  });

  it('accepts and never answers: the idle time-out', async () => {
    reg.on(/manifests/, () => undefined);
    const e = await featureFails('never answers', /sent nothing for 1 s/);
    assert.equal(e.code, 'timeout');
  });

  it('sends headers, then nothing: the idle time-out', async () => {
    reg.on(/manifests/, (_q, res) => res.writeHead(200, { 'content-length': '1000' }).write('{"schemaVersion":'));
    await featureFails('headers then silence', /sent nothing/);
  });

  it('drips a byte every 200 ms forever: the deadline', async () => {
    reg.on(/manifests/, (_q, res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write(' '), 200);
      res.on('close', () => clearInterval(t));
    });
    await featureFails('manifest drip', /did not finish answering within 3 s/);
  });

  it('answers with bytes that are not HTTP', async () => {
    const tcp: TcpServer = createTcpServer((s) => s.end('SSH-2.0-OpenSSH_9.2\r\n\r\ngarbage\0\0\0'));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(tcp.address() as AddressInfo).port}`;
    try {
      const r = await tryBadInput('registry: not HTTP', () => new RegistryClient(host, FAST).getManifest(REPO, '1'));
      assertClear(r.error, /not valid HTTP/);
    } finally {
      tcp.close();
    }
  });

  for (const [name, body, pattern] of [
    ['manifest is HTML', '<html>welcome</html>', /manifest is not JSON \(garbage JSON\)/],
    ['manifest is a JSON string', '"hello"', /manifest is not valid \(not a JSON object\)/],
    ['manifest has schemaVersion 1', '{"schemaVersion":1}', /schemaVersion 1, expected 2/],
    ['layers is an object', '{"schemaVersion":2,"config":{},"layers":{}}', /no "layers" list/],
    [
      'a layer without a digest',
      JSON.stringify({
        schemaVersion: 2,
        config: { mediaType: 'x', digest: sha256(''), size: 0 },
        layers: [{ mediaType: 'y', size: 1 }],
      }),
      /layers\[0\] has no valid digest/,
    ],
    [
      'size is a string',
      JSON.stringify({ schemaVersion: 2, config: { mediaType: 'x', digest: sha256(''), size: '2' }, layers: [] }),
      /config has no valid size/,
    ],
    [
      'no Feature layer',
      JSON.stringify({
        schemaVersion: 2,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(''), size: 0 },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(''), size: 0 }],
      }),
      /not a dev container Feature: no layer of type application\/vnd\.devcontainers\.layer\.v1\+tar/,
    ],
    ['an index, not a manifest', JSON.stringify({ schemaVersion: 2, manifests: [] }), /is an image index/],
  ] as const) {
    it(`garbage: ${name}`, async () => {
      reg.on(/manifests/, (_q, res) => res.writeHead(200).end(body));
      await featureFails(name, pattern);
    });
  }

  it('a huge manifest (announced): refused before reading it', async () => {
    reg.on(/manifests/, (_q, res) => {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      res.write('{"schemaVersion":2');
    });
    await featureFails('huge manifest, announced', /manifest is larger than 4 MB/);
  });

  it('a huge manifest (chunked, never ending): stopped at 4 MB', async () => {
    reg.on(/manifests/, (_q, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    });
    await featureFails('huge manifest, chunked', /manifest is larger than 4 MB/);
  });

  it('a blob whose bytes do not match its digest', async () => {
    const layer = tarOf([{ name: 'install.sh', content: 'echo hi' }]);
    const other = tarOf([{ name: 'install.sh', content: 'echo HI' }]);
    await featureFails('wrong digest', (serveFeature(reg, layer, other), /digest mismatch/));
  });

  it('a manifest served for a digest that is another one (pinning)', async () => {
    const layer = tarOf([{ name: 'install.sh', content: 'echo hi' }]);
    serveFeature(reg, layer);
    const pinned = `sha256:${'a'.repeat(64)}`;
    const r = await tryBadInput('registry: manifest digest pinning', (signal) =>
      fetchOciFeature({ registry: reg.host, repository: REPO, digest: pinned }, join(work, 'd'), {
        signal,
        client: FAST,
        credentials: () => Promise.resolve({ source: 'none', notes: [] }),
      }),
    );
    assertClear(r.error, /the manifest served for sha256:a{64} has digest sha256:[0-9a-f]{64} \(digest mismatch\)/);
  });

  it('a blob that never ends: stopped at its announced size', async () => {
    const layer = tarOf([{ name: 'install.sh', content: 'echo hi' }]);
    serveFeature(reg, layer);
    reg.on(/blobs/, (_q, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    });
    await featureFails('never-ending blob', /is larger than 2 KB; refused/);
  });

  it('a layer larger than 100 MB by its descriptor: refused before downloading', async () => {
    const manifest = manifestFor(Buffer.alloc(0));
    const big = Buffer.from(manifest.toString().replace('"size":0', `"size":${200 * 1024 * 1024}`));
    reg.on(/manifests/, (_q, res) => res.writeHead(200).end(big));
    await featureFails('200 MB layer', /its layer is 200 MB, more than the 100 MB allowed/);
    assert.ok(!reg.seen.some((s) => s.url.includes('/blobs/')), 'no blob was asked for');
  });

  for (const [name, entries, pattern] of [
    ['a tar entry ../x', [{ name: '../x', content: 'owned' }], /"\.\.\/x" has a "\.\." in its path/],
    ['a tar entry a/../../x', [{ name: 'a/../../x', content: 'owned' }], /has a "\.\." in its path/],
    ['an absolute tar entry', [{ name: '/tmp/cws-owned', content: 'owned' }], /has an absolute path/],
    ['a symlink out', [{ name: 'out', type: '2', linkname: '../../../etc' }], /link "out" points outside the archive/],
    ['an absolute symlink', [{ name: 'out', type: '2', linkname: '/etc/passwd' }], /points to the absolute path/],
    [
      'writing through a symlink',
      [
        { name: 'd', type: '2', linkname: '.' },
        { name: 'd/x', content: 'x' },
      ],
      /would be written through a link/,
    ],
    [
      'a symlink chain that leads out',
      [
        { name: 'a', type: '5' },
        { name: 'a/up', type: '2', linkname: '..' },
        { name: 'b', type: '2', linkname: 'a/up/..' },
      ],
      /link "b" leads outside the archive|points outside/,
    ],
    ['a FIFO', [{ name: 'fifo', type: '6' }], /is a FIFO; only files, directories and links/],
    ['a hard link to /etc/passwd', [{ name: 'h', type: '1', linkname: '/etc/passwd' }], /has an absolute path/],
  ] as const) {
    it(`a hostile archive: ${name}`, async () => {
      serveFeature(reg, tarOf([{ name: 'install.sh', content: 'echo hi' }, ...entries]));
      await featureFails(name, pattern);
      assert.ok(!existsSync(join(work, 'x')) && !existsSync('/tmp/cws-owned'), 'nothing written outside');
    });
  }

  it('a layer that is not a tar (random bytes)', async () => {
    serveFeature(reg, Buffer.from('this is not a tar archive'.repeat(40)));
    await featureFails('not a tar', /not a tar archive/);
  });

  it('a gzip bomb: stopped at the unpacked-size cap', async () => {
    const bomb = gzipSync(tarOf([{ name: 'zeros', content: Buffer.alloc(8 * 1024 * 1024) }]));
    serveFeature(reg, bomb);
    const r = await tryBadInput('registry: gzip bomb', (signal) =>
      fetchOciFeature({ registry: reg.host, repository: REPO, tag: '1' }, join(work, 'bomb'), {
        signal,
        client: FAST,
        credentials: () => Promise.resolve({ source: 'none', notes: [] }),
        extract: { maxBytes: 1024 * 1024 },
      }),
    );
    assertClear(r.error, /unpacks to more than 1 MB/);
  });

  it('endless redirects: stopped after 5', async () => {
    let n = 0;
    reg.on(/manifests/, (_q, res) => res.writeHead(302, { location: `/v2/${REPO}/manifests/r${n++}` }).end());
    await featureFails('endless redirects', /redirected more than 5 times/);
    assert.ok(n <= 6, `followed ${n} redirects`);
  });

  it('a redirect to plain http on a remote host, and to file://: refused', async () => {
    reg.on(/manifests/, (_q, res) => res.writeHead(307, { location: 'http://registry.example.com/x' }).end());
    await featureFails('redirect to plain http', /sent us to plain http at registry\.example\.com; refused/);
    reg.on(/manifests/, (_q, res) => res.writeHead(307, { location: 'file:///etc/passwd' }).end());
    await featureFails('redirect to file://', /redirected to a file: address; refused/);
  });

  it('a blob redirect to another host gets no Authorization header', async () => {
    const storage = await new FakeRegistry().start();
    try {
      const layer = tarOf([{ name: 'install.sh', content: 'echo hi' }]);
      serveFeature(reg, layer);
      reg.on(/./, (q, res) => {
        if (!q.headers.authorization) res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end();
        else if (q.url?.includes('/blobs/'))
          res.writeHead(307, { location: `http://localhost:${storage.host.split(':')[1]}/blob` }).end();
        else res.writeHead(200).end(manifestFor(layer));
      });
      storage.on(/blob/, (_q, res) => res.writeHead(200).end(layer));
      const got = await fetchOciFeature({ registry: reg.host, repository: REPO, tag: '1' }, join(work, 'redir'), {
        client: FAST,
        credentials: () =>
          Promise.resolve({ credential: { username: 'u', password: 'secret' }, source: 'test', notes: [] }),
      });
      assert.match(got.digest, /^sha256:/);
      assert.ok(
        reg.seen.some((s) => s.authorization?.startsWith('Basic ')),
        'the registry got the credentials',
      );
      assert.equal(storage.seen.length, 1);
      assert.equal(storage.seen[0].authorization, undefined, 'the storage host got none');
    } finally {
      await storage.close();
    }
  });

  it('a Bearer challenge whose token service sends garbage, or is plain http far away', async () => {
    const realm = `http://${reg.host}/token`;
    reg.on(/manifests/, (_q, res) =>
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="x"` }).end(),
    );
    reg.on(/token/, (_q, res) => res.writeHead(200).end('{"token": 42}'));
    await featureFails('token garbage', /holds no usable token \(garbage JSON\)/);
    reg.on(/manifests/, (_q, res) =>
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://auth.example.com/token"' }).end(),
    );
    await featureFails('token realm plain http', /token service http:\/\/auth\.example\.com\/token is not https/);
    reg.on(/manifests/, (_q, res) => res.writeHead(401, { 'www-authenticate': 'Negotiate' }).end());
    await featureFails('unknown auth scheme', /asks for a sign-in we do not speak/);
  });

  it('a token that the registry then refuses: "sign in", once, no loop', async () => {
    reg.on(/manifests/, (_q, res) =>
      res
        .writeHead(401, {
          'www-authenticate': `Bearer realm="http://${reg.host}/token",scope="repository:cws/bad:pull"`,
        })
        .end(),
    );
    reg.on(/token/, (_q, res) => res.writeHead(200).end('{"token":"abc"}'));
    await featureFails('token refused', /sign in: the registry refused anonymous access/);
    assert.equal(
      reg.seen.filter((s) => s.url.includes('/manifests/')).length,
      2,
      'asked twice: anonymous, then with the token',
    );
  });

  it('403, 429 and 500: each says what it means', async () => {
    for (const [status, pattern] of [
      [403, /access denied \(403\) \("nope"\)/],
      [429, /limits requests \(429\)/],
      [500, /answered 500/],
    ] as const) {
      reg.on(/manifests/, (_q, res) =>
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end('{"errors":[{"code":"DENIED","message":"nope"}]}'),
      );
      await featureFails(`status ${status}`, pattern);
    }
  });

  it('escape sequences in what the registry says are made visible', async () => {
    reg.on(/manifests/, (_q, res) =>
      res.writeHead(403).end('{"errors":[{"code":"DENIED","message":"\\u001b]0;pwned\\u0007"}]}'),
    );
    const e = await featureFails('escapes in an error', /access denied/);
    assert.ok(!e.message.includes('\u001b'), 'no raw ESC');
  });

  it('cancelled mid-download: "cancelled", the socket closed', async () => {
    const layer = tarOf([{ name: 'install.sh', content: 'x'.repeat(100_000) }]);
    serveFeature(reg, layer);
    reg.on(/blobs/, (_q, res) => res.writeHead(200).write(layer.subarray(0, 1000)));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await tryBadInput('registry: cancelled download', () =>
      fetchOciFeature({ registry: reg.host, repository: REPO, tag: '1' }, join(work, 'c'), {
        signal: ac.signal,
        client: FAST,
        credentials: () => Promise.resolve({ source: 'none', notes: [] }),
      }),
    );
    assert.equal((r.error as RuntimeError)?.code, 'cancelled');
  });

  it('a tarball URL: plain http far away refused; a 404 named', async () => {
    const r1 = await tryBadInput('tarball: plain http', () =>
      fetchTarballFeature('http://example.com/devcontainer-feature-x.tgz', join(work, 't1'), { label: 'Feature "x"' }),
    );
    assertClear(r1.error, /^Feature "x" \(example\.com\): http:\/\/example\.com is not https; refused/);
    const r2 = await tryBadInput('tarball: 404', () =>
      fetchTarballFeature(`http://${reg.host}/devcontainer-feature-x.tgz`, join(work, 't2'), { label: 'Feature "x"' }),
    );
    assertClear(r2.error, /no such file on the server \(404\)/);
  });
});

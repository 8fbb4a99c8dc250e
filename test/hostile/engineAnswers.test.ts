// An engine that answers badly (test/support/fakeEngine.ts) against our real DockerRuntime: every
// bad answer ends in a clear RuntimeError that names the engine, within the request time-out,
// never a TypeError; streams survive garbage. Each input is counted with tryBadInput.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerRuntime } from '../../src/core/runtime/docker/dockerRuntime';
import { resolveDockerEndpoint } from '../../src/core/runtime/docker/endpoint';
import { RuntimeError } from '../../src/core/runtime/errors';
import type { LogChunk, RuntimeEvent, StatsSample } from '../../src/core/runtime/types';
import {
  FakeEngine,
  badChunks,
  closeMidBody,
  garbage,
  headersThenSilence,
  huge,
  json,
  lines,
  silence,
  text,
  type Answer,
} from '../support/fakeEngine';
import { ENGINE_SOCKETS, removeTestContainers, requireEngine, runTestContainer, uniqueName } from '../support/engines';
import { tryBadInput } from '../support/tally';
import { until } from '../support/until';

/** Short, so the "never answers" cases are quick; the refusal test uses the real default. */
const TIMEOUT_MS = 3_000;
const GOOD = { Id: 'c0ffee', Names: ['/web'], Image: 'nginx', State: 'running', Status: 'Up', Created: 1 };
const GOOD_INSPECT = {
  Id: 'c0ffee',
  Name: '/web',
  Config: { Image: 'nginx', Labels: {}, Tty: false },
  State: { Status: 'running' },
};

/** A RuntimeError from Docker that says what went wrong, in one line, without a stack. */
function assertClear(err: unknown, pattern: RegExp): RuntimeError {
  assert.ok(err instanceof RuntimeError, `expected a RuntimeError, got ${String((err as Error)?.stack ?? err)}`);
  assert.match(err.message, pattern);
  assert.doesNotMatch(err.message, /TypeError|\n/, 'one line, no stack');
  assert.ok(err.message.length < 400, `message too long: ${err.message.length}`);
  return err;
}

describe('an engine that answers badly (fake engine on a unix socket, our real DockerRuntime)', function () {
  this.timeout(30_000);
  let engine: FakeEngine;
  let rt: DockerRuntime;

  beforeEach(async () => {
    engine = await new FakeEngine().start();
    // Through DOCKER_HOST, as a user would point us at it.
    rt = new DockerRuntime('docker', resolveDockerEndpoint(undefined, { env: { DOCKER_HOST: engine.url } }), {
      requestTimeoutMs: TIMEOUT_MS,
    });
  });
  afterEach(async () => {
    void rt.close();
    await engine.close();
  });

  /** For the big bodies: a time-out long enough that reading 32 MiB on a loaded machine is not what ends them. */
  function patientRuntime(): void {
    void rt.close();
    rt = new DockerRuntime('docker', resolveDockerEndpoint(engine.url), { requestTimeoutMs: 60_000 });
  }

  /** The container list answered with `answer` must fail with a message matching `pattern`. */
  async function listFails(name: string, answer: Answer, pattern: RegExp, limitMs = 10_000): Promise<RuntimeError> {
    engine.on('/containers/json', answer);
    const r = await tryBadInput(name, (signal) => rt.listContainers({ signal }), { limitMs });
    assert.equal(r.value, undefined, `${name}: expected an error, got a list`);
    return assertClear(r.error, pattern);
  }

  describe('GET /containers/json with the wrong JSON types', () => {
    const cases: [string, unknown, RegExp][] = [
      ['Names is a string', [{ ...GOOD, Names: '/web' }], /Docker answered \/containers\/json .*Names is not a list/],
      ['State is a number', [{ ...GOOD, State: 3 }], /container whose State is not a string/],
      ['Labels is an array', [{ ...GOOD, Labels: ['a=b'] }], /Labels is not an object/],
      ['Labels has a number value', [{ ...GOOD, Labels: { a: 1 } }], /Labels is not an object of strings/],
      ['Created is a string', [{ ...GOOD, Created: '2024-01-01' }], /Created is not a number/],
      ['Ports is an object', [{ ...GOOD, Ports: { 80: 8080 } }], /Ports is not a list/],
      ['Ports has a string entry', [{ ...GOOD, Ports: ['80:8080'] }], /Ports is not a list of objects/],
      ['Id is missing', [{ Names: ['/x'] }], /Id is not a non-empty string/],
      ['Id is a number', [{ ...GOOD, Id: 12 }], /Id is not a string/],
      ['Mounts is a string', [{ ...GOOD, Mounts: '/data' }], /Mounts is not a list/],
      ['NetworkSettings.Networks is a list', [{ ...GOOD, NetworkSettings: { Networks: [] } }], /Networks is not/],
      ['the list is an object', { containers: [GOOD] }, /something that is not a container list/],
      ['the list is a string', 'containers', /something that is not a container list/],
      ['the list holds null', [GOOD, null], /something that is not a container list/],
      ['the list holds numbers (a huge array)', new Array(200_000).fill(7), /not a container list/],
    ];
    for (const [name, body, pattern] of cases) {
      it(`${name}: a clear error naming Docker and the path`, async () => {
        await listFails(`containers/json: ${name}`, json(body), pattern);
      });
    }

    it('null where a list or object may be absent (Ports, Labels, Mounts: null) is read as empty', async () => {
      engine.on('/containers/json', json([{ ...GOOD, Ports: null, Labels: null, Mounts: null, Names: null }]));
      const r = await tryBadInput('containers/json: nulls', (signal) => rt.listContainers({ signal }));
      assert.ok(r.value, String(r.error));
      assert.deepEqual(r.value[0].ports, []);
      assert.deepEqual(r.value[0].labels, {});
      assert.equal(r.value[0].name, 'c0ffee', 'no name: the short id');
    });

    it('a large but well-formed list (50 000 containers) is read in full', async () => {
      const many = Array.from({ length: 50_000 }, (_, i) => ({ ...GOOD, Id: `id${i}`, Names: [`/n${i}`] }));
      engine.on('/containers/json', json(many));
      patientRuntime();
      const r = await tryBadInput('containers/json: 50 000 entries', (signal) => rt.listContainers({ signal }));
      assert.equal(r.value?.length, 50_000);
    });
  });

  describe('bodies that are not JSON, cut short, huge, or never come', () => {
    it('truncated JSON', async () => {
      await listFails('containers/json: truncated JSON', text(200, '[{"Id":"abc","Names":["/x"'), /not JSON/);
    });
    it('an HTML page with status 200', async () => {
      await listFails('containers/json: HTML 200', text(200, '<html><body>Welcome</body></html>', 'text/html'), /HTML/);
    });
    it('an empty 200 answer', async () => {
      await listFails('containers/json: empty body', text(200, ''), /an empty answer/);
    });
    it('a 500 with an HTML error page: the status and the first words, no markup', async () => {
      const page = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';
      const e = await listFails(
        'containers/json: HTML 500',
        text(500, page, 'text/html'),
        /^Docker answered with HTTP 500/,
      );
      assert.doesNotMatch(e.message, /<html>/);
    });
    it('a 500 with plain text carrying terminal escapes: the escapes are shown, not sent', async () => {
      const e = await listFails(
        'containers/json: 500 with ESC in text',
        text(500, 'boom \u001b]0;owned\u0007 \u009b31m'),
        /HTTP 500: boom/,
      );
      // eslint-disable-next-line no-control-regex -- control characters are what is looked for
      assert.doesNotMatch(e.message, /[\u001b\u0007\u009b]/);
      assert.match(e.message, /\\x1b/);
    });
    it('a 404 whose JSON message is a number, not a string', async () => {
      engine.on('/containers/*/json', json({ message: 42 }, 404));
      const r = await tryBadInput('inspect: 404 with numeric message', (signal) => rt.inspect('x', signal));
      assertClear(r.error, /HTTP 404/);
      assert.equal((r.error as RuntimeError).code, 'notFound');
    });
    it('bytes that are not HTTP at all', async () => {
      await listFails('containers/json: garbage bytes', garbage(), /Docker sent an answer that is not valid HTTP/);
    });
    it('a broken chunked encoding', async () => {
      await listFails(
        'containers/json: bad chunked encoding',
        badChunks,
        /Docker .*(not valid HTTP|closed the connection)/,
      );
    });
    it('the connection closed in the middle of the body', async () => {
      const e = await listFails(
        'containers/json: closed mid-body',
        closeMidBody,
        /closed the connection in the middle/,
      );
      assert.equal(e.code, 'unavailable');
    });
    it('a 200 MB body is cut at the size limit, without reading it all', async () => {
      patientRuntime();
      const sent = { bytes: 0 };
      await listFails('containers/json: 200 MB body', huge(200 * 1024 * 1024, { sent }), /more than 33554432 bytes/);
      // The engine could write little more than the limit (plus what socket buffers hold) before we hung up.
      assert.ok(sent.bytes < 100 * 1024 * 1024, `the engine got to write ${sent.bytes} bytes`);
    });
    it('a declared Content-Length of 200 MB is refused before reading', async () => {
      patientRuntime();
      await listFails(
        'containers/json: 200 MB Content-Length',
        huge(200 * 1024 * 1024, { declareLength: true }),
        /more than \d+ bytes/,
      );
    });
    it('headers sent, then the body stalls: the request time-out still applies', async () => {
      const started = Date.now();
      const e = await listFails('containers/json: headers then silence', headersThenSilence, /did not answer in time/);
      assert.equal(e.code, 'timeout');
      assert.ok(Date.now() - started < TIMEOUT_MS + 5_000, `took ${Date.now() - started} ms`);
    });
    it('start and remove never answered: the request time-out applies to them too', async () => {
      engine.on('/containers/*/start', silence).on('/containers/*', silence);
      for (const [name, act] of [
        ['start', () => rt.start('web')],
        ['remove', () => rt.remove('web', { force: true })],
      ] as const) {
        const r = await tryBadInput(`POST ${name}: silence`, act, { limitMs: TIMEOUT_MS + 5_000 });
        assert.equal(assertClear(r.error, /Docker did not answer in time/).code, 'timeout');
      }
    });
    it('nothing at all: a time-out, not a hang', async () => {
      const e = await listFails('containers/json: silence', silence, /Docker did not answer in time/);
      assert.equal(e.code, 'timeout');
    });
  });

  describe('inspect, version, ping and images with the wrong shapes', () => {
    const inspectCases: [string, unknown, RegExp][] = [
      ['State is a number', { ...GOOD_INSPECT, State: 1 }, /container document whose State is not an object/],
      ['Config.Labels is an array', { ...GOOD_INSPECT, Config: { Labels: ['a'] } }, /Labels is not an object/],
      [
        'NetworkSettings.Ports has a string value',
        { ...GOOD_INSPECT, NetworkSettings: { Ports: { '80/tcp': '8080' } } },
        /Ports\["80\/tcp"\] is not a list of objects/,
      ],
      ['Config.Tty is a string', { ...GOOD_INSPECT, Config: { Tty: 'yes' } }, /Tty is not true or false/],
      ['the document is a list', [GOOD_INSPECT], /something that is not a container document/],
      ['Created is a number', { ...GOOD_INSPECT, Created: 5 }, /Created is not a string/],
    ];
    for (const [name, body, pattern] of inspectCases) {
      it(`inspect: ${name}`, async () => {
        engine.on('/containers/*/json', json(body));
        const r = await tryBadInput(`inspect: ${name}`, (signal) => rt.inspect('web', signal));
        assertClear(r.error, pattern);
        assert.match((r.error as Error).message, /^Docker answered \/containers\/web\/json/);
      });
    }

    it('an id with a slash cannot reach another API path', async () => {
      engine.on('/containers/*/json', json(GOOD_INSPECT));
      const r = await tryBadInput('inspect: id with ../', (signal) => rt.inspect('../../images/x', signal));
      assert.ok(r.value, String(r.error));
      assert.ok(engine.asked.includes('/containers/..%2F..%2Fimages%2Fx/json'), engine.asked.join(' '));
    });

    it('version: Version is a number', async () => {
      engine.on('/version', json({ Version: 25, ApiVersion: '1.45' }));
      const r = await tryBadInput('version: Version a number', (signal) => rt.info(signal));
      assertClear(r.error, /Docker answered \/version with a version document whose Version is not a string/);
    });
    it('version: Components is a string', async () => {
      engine.on('/version', json({ Version: '1', Components: 'podman' }));
      const r = await tryBadInput('version: Components a string', (signal) => rt.info(signal));
      assertClear(r.error, /Components is not a list/);
    });
    it('ping: a 503 HTML page', async () => {
      engine.on('/_ping', text(503, '<h1>Service Unavailable</h1>', 'text/html'));
      const r = await tryBadInput('ping: 503 HTML', (signal) => rt.ping(signal));
      assertClear(r.error, /Docker answered with HTTP 503: Service Unavailable/);
    });
    it('images: RepoTags is a string', async () => {
      engine.on('/images/json', json([{ Id: 'sha', RepoTags: 'alpine:3', Size: 1, Created: 1 }]));
      const r = await tryBadInput('images/json: RepoTags a string', (signal) => rt.listImages(signal));
      assertClear(r.error, /Docker answered \/images\/json with an image whose RepoTags is not a list of strings/);
    });
    it('stats: cpu_stats is a string', async () => {
      engine.on('/containers/*/stats', json({ read: '2024-01-01T00:00:00Z', cpu_stats: 'busy' }));
      const r = await tryBadInput('stats: cpu_stats a string', (signal) => rt.stats('web', signal));
      assertClear(r.error, /stats sample whose cpu_stats is not an object/);
    });
  });

  describe('streams that carry garbage', () => {
    it('events: garbage lines, JSON of the wrong type and a 2 MB line without a newline are skipped', async () => {
      const good = JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: 'c0ffee', Attributes: {} } });
      engine.on(
        '/events',
        lines([
          'not json at all\n',
          'null\n42\n[1,2]\n"str"\n',
          `${JSON.stringify({ Type: 'container', Action: 7, Actor: 'x' })}\n`,
          `${JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: 5, Attributes: [] } })}\n`,
          Buffer.from([0xff, 0xfe, 0x00, 0x0a]),
          'x'.repeat(2 * 1024 * 1024),
          `\n${good}\n`,
        ]),
      );
      const events: RuntimeEvent[] = [];
      const errors: Error[] = [];
      const r = await tryBadInput('events: garbage and a huge line', async () => {
        const sub = rt.subscribeEvents(
          (e) => events.push(e),
          (e) => errors.push(e),
        );
        try {
          await until('the good event after the garbage', () => (events.length ? true : undefined), 8_000);
        } finally {
          sub.close();
        }
      });
      assert.equal(r.error, undefined, String(r.error));
      assert.deepEqual(
        events.map((e) => [e.action, e.id]),
        [['start', 'c0ffee']],
      );
      assert.deepEqual(errors, []);
    });

    it('stats stream: samples of the wrong shape are skipped, the good one is delivered', async () => {
      const sample = (n: number) => ({
        read: `2024-01-01T00:00:0${n}Z`,
        preread: `2024-01-01T00:00:0${n - 1}Z`,
        cpu_stats: { cpu_usage: { total_usage: 200 * n }, system_cpu_usage: 1000 * n, online_cpus: 1 },
        precpu_stats: { cpu_usage: { total_usage: 100 }, system_cpu_usage: 500 },
        memory_stats: { usage: 10, limit: 100 },
      });
      engine.on(
        '/containers/*/stats',
        lines([
          '{"read": 5}\n',
          `${JSON.stringify({ ...sample(2), blkio_stats: { io_service_bytes_recursive: 'x' } })}\n`,
          'garbage\n',
          `${JSON.stringify(sample(3))}\n`,
        ]),
      );
      const got: StatsSample[] = [];
      const r = await tryBadInput('stats stream: wrong shapes', async () => {
        const sub = rt.subscribeStats('web', (s) => got.push(s));
        try {
          await until('a stats sample', () => (got.length ? true : undefined), 8_000);
        } finally {
          sub.close();
        }
      });
      assert.equal(r.error, undefined, String(r.error));
      assert.equal(got[0].memoryUsed, 10);
    });

    it('events: an engine that never answers the stream request reports an error, not silence forever', async () => {
      engine.on('/events', silence);
      const errors: Error[] = [];
      const r = await tryBadInput('events: never answers', async () => {
        const sub = rt.subscribeEvents(
          () => undefined,
          (e) => errors.push(e),
        );
        await sub.ended;
      });
      assert.equal(r.error, undefined);
      assertClear(errors[0], /Docker did not answer in time/);
    });

    it('logs: bytes that are not multiplexed frames are shown as text, not waited on', async () => {
      engine.on('/containers/*/json', json(GOOD_INSPECT));
      // A "frame header" claiming a 4 GB payload, then plain text: no engine frames like that.
      engine.on(
        '/containers/*/logs',
        lines([Buffer.from([9, 9, 9, 9, 0xff, 0xff, 0xff, 0xff]), 'hello\n'], { end: true }),
      );
      const chunks: LogChunk[] = [];
      const r = await tryBadInput('logs: not frames', async () => {
        const sub = await rt.logs('web', { follow: false }, (c) => chunks.push(c));
        await sub.ended;
      });
      assert.equal(r.error, undefined, String(r.error));
      assert.match(chunks.map((c) => c.text).join(''), /hello/);
    });

    it('logs: a 404 with an HTML page for the logs request', async () => {
      engine.on('/containers/*/json', json(GOOD_INSPECT));
      engine.on('/containers/*/logs', text(404, '<p>no</p>', 'text/html'));
      const r = await tryBadInput('logs: 404 HTML', (signal) => rt.logs('web', { signal }, () => undefined));
      assertClear(r.error, /HTTP 404: no/);
    });
  });
});

describe('an engine that is not there is reported at once', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'cws-refused-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** With the real request time-out (15 s): a refusal must come back well before it. */
  async function refusedQuickly(name: string, url: string): Promise<void> {
    const rt = new DockerRuntime('docker', resolveDockerEndpoint(url));
    const started = Date.now();
    try {
      const r = await tryBadInput(name, (signal) => rt.listContainers({ signal }));
      const e = assertClear(r.error, /Docker is not running/);
      assert.equal(e.code, 'unavailable');
      assert.match(e.hint ?? '', /Start/);
      assert.ok(Date.now() - started < 3_000, `${name}: took ${Date.now() - started} ms`);
    } finally {
      void rt.close();
    }
  }

  it('no socket file (ENOENT)', async () => {
    await refusedQuickly('refused: no socket file', `unix://${join(dir, 'none.sock')}`);
  });

  it('a socket file nobody listens on (ECONNREFUSED)', async () => {
    const path = join(dir, 'stale.sock');
    // A bound, never-listening unix socket left behind: what a crashed daemon leaves.
    execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path]);
    await refusedQuickly('refused: stale socket', `unix://${path}`);
  });

  it('a tcp port nobody listens on', async () => {
    await refusedQuickly('refused: tcp port closed', 'tcp://127.0.0.1:1');
  });
});

describe('a tcp engine over TLS with a certificate we cannot verify', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'cws-tls-engine-'));
  let server: Server;
  let port = 0;
  before(async () => {
    // A self-signed certificate for localhost: what a man in the middle (or a lazy setup) presents.
    execFileSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
    ]);
    server = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('OK');
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const runtime = (insecureHosts?: string[]) =>
    new DockerRuntime(
      'docker',
      resolveDockerEndpoint(`tcp://127.0.0.1:${port}`, {
        // DOCKER_TLS: encrypt; no CA given, so the system's CAs are what it is checked against.
        env: { DOCKER_TLS: '1', DOCKER_CERT_PATH: join(dir, 'no-certs-here') },
        insecureHosts,
      }),
      { requestTimeoutMs: 5_000 },
    );

  it('is refused with a message that says why and how to allow that one host', async () => {
    const rt = runtime();
    try {
      const r = await tryBadInput('TLS: self-signed engine certificate', (signal) => rt.ping(signal));
      const e = assertClear(r.error, /presented a certificate that could not be verified/);
      assert.equal(e.code, 'permission');
      assert.match(e.hint ?? '', /containerWorkspaces\.docker\.insecureHosts/);
    } finally {
      void rt.close();
    }
  });

  it('is accepted only when that host:port is in insecureHosts', async () => {
    const other = runtime([`127.0.0.1:${port + 1}`]);
    const listed = runtime([`127.0.0.1:${port}`]);
    try {
      await assert.rejects(other.ping(), /could not be verified/, 'an entry for another port does not count');
      await listed.ping();
    } finally {
      void other.close();
      void listed.close();
    }
  });
});

describe('a command that prints without end (captured exec, real dockerd)', function () {
  this.timeout(120_000);
  let rt: DockerRuntime;
  let id: string;
  before(async function () {
    requireEngine(this, 'docker');
    rt = new DockerRuntime('docker', resolveDockerEndpoint(`unix://${ENGINE_SOCKETS.docker}`));
    id = await runTestContainer('docker', uniqueName('cws-flood'), ['sleep', '300']);
  });
  after(async () => {
    void rt?.close();
    await removeTestContainers('docker');
  });

  it('is stopped at the output limit with a clear error, not held in memory', async () => {
    const r = await tryBadInput(
      'exec: 80 MB of output',
      (signal) => rt.exec(id, { cmd: ['sh', '-c', 'yes 0123456789abcdef | head -c 80000000'], signal }),
      { limitMs: 90_000 },
    );
    assertClear(r.error, /printed more than 64 MiB; its output was not kept/);
  });
});

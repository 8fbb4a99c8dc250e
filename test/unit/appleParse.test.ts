// The Apple runtime's parsers over literal JSON of every generation of Apple's `container` CLI, as
// the facts file (shared/reference/apple-container-cli.md) describes them, plus its error mapping,
// its `container create` flags and the event diff.
import * as assert from 'node:assert/strict';
import { AppleRuntime, unsupportedOnApple } from '../../src/core/runtime/apple/appleRuntime';
import { fromCliFailure, isCliError } from '../../src/core/runtime/apple/errors';
import { diffSnapshots, snapshotsOf } from '../../src/core/runtime/apple/events';
import {
  cpuPercent,
  normalizeImageRef,
  parseAppleDate,
  MAX_JSON_DEPTH,
  MAX_LIST_ENTRIES,
  parseContainers,
  parseJson,
  parseSize,
  parseStats,
  parseSystemStatus,
  parseSystemVersion,
  parseVersionText,
  toDetails,
  toImageSummaries,
  toSummary,
} from '../../src/core/runtime/apple/parse';
import { RuntimeError } from '../../src/core/runtime/errors';

const STARTED_MS = Date.UTC(2025, 5, 10, 12, 0, 5); // 2025-06-10T12:00:05Z
const CREATED_MS = Date.UTC(2025, 5, 10, 12, 0, 0);
const STARTED_2001 = 771249605; // the same instant in seconds since 2001-01-01
const CREATED_2001 = 771249600;

// 1.x (1.2.2): compact, sorted keys, "\/" escaped, status object, ISO dates.
const LS_1X = String.raw`[{"configuration":{"creationDate":"2025-06-10T12:00:00Z","id":"web","image":{"descriptor":{"digest":"sha256:aaa","mediaType":"application\/vnd.oci.image.index.v1+json","size":1024},"reference":"docker.io\/library\/nginx:latest"},"initProcess":{"arguments":["-g","daemon off;"],"environment":["PATH=\/usr\/bin","SECRET=hunter2"],"executable":"nginx","terminal":true,"user":{"id":{"gid":20,"uid":501}},"workingDirectory":"\/srv"},"labels":{"com.docker.compose.project":"shop","com.docker.compose.service":"web","tier":"front"},"mounts":[{"destination":"\/usr\/share\/nginx\/html","options":["ro"],"source":"\/Users\/me\/site","type":{"virtiofs":{}}},{"destination":"\/data","options":[],"source":"","type":{"volume":{"name":"webdata"}}}],"networks":[{"network":"default","options":{"hostname":"web"}}],"platform":{"architecture":"arm64","os":"linux"},"publishedPorts":[{"containerPort":80,"count":1,"hostAddress":"127.0.0.1","hostPort":8080,"proto":"tcp"},{"containerPort":9000,"count":3,"hostAddress":"0.0.0.0","hostPort":19000,"proto":"udp"}],"resources":{"cpus":4,"memoryInBytes":1073741824}},"id":"web","status":{"networks":[{"hostname":"web","ipv4Address":"192.168.64.3\/24","ipv4Gateway":"192.168.64.1","macAddress":"aa:bb:cc:dd:ee:ff","network":"default"}],"startedDate":"2025-06-10T12:00:05Z","state":"running"}},{"configuration":{"creationDate":"2025-06-10T12:00:00Z","id":"fresh","image":{"reference":"docker.io\/library\/alpine:latest"},"initProcess":{"arguments":[],"executable":"sh","terminal":false,"workingDirectory":"\/"},"labels":{}},"id":"fresh","status":{"networks":[],"state":"stopped"}},{"configuration":{"creationDate":"2025-06-10T12:00:00Z","id":"done","image":{"reference":"docker.io\/library\/alpine:latest"},"initProcess":{"arguments":["3"],"executable":"exit","terminal":false,"user":{"raw":{"userString":"nobody"}},"workingDirectory":"\/"},"labels":{}},"id":"done","status":{"networks":[],"startedDate":"2025-06-10T12:00:05Z","state":"stopped"}}]`;

// 0.8–0.12: status a plain string, networks and startedDate at the top level, dates in seconds since 2001.
const LS_08 = String.raw`[{"configuration":{"creationDate":${CREATED_2001},"id":"web","image":{"reference":"docker.io\/library\/nginx:latest"},"initProcess":{"arguments":["-g","daemon off;"],"executable":"nginx","terminal":true,"user":{"id":{"gid":20,"uid":501}},"workingDirectory":"\/srv"},"labels":{"com.docker.compose.project":"shop","com.docker.compose.service":"web","tier":"front"},"publishedPorts":[{"containerPort":80,"count":1,"hostAddress":"127.0.0.1","hostPort":8080,"proto":"tcp"}]},"networks":[{"hostname":"web","ipv4Address":"192.168.64.3\/24","ipv4Gateway":"192.168.64.1","network":"default"}],"startedDate":${STARTED_2001},"status":"running"},{"configuration":{"creationDate":${CREATED_2001},"id":"fresh","image":{"reference":"docker.io\/library\/alpine:latest"},"labels":{}},"networks":[],"status":"stopped"}]`;

// ≤0.7: like 0.8, but an attachment has address / gateway.
const LS_07 = String.raw`[{"configuration":{"creationDate":${CREATED_2001},"id":"web","image":{"reference":"docker.io\/library\/nginx:latest"},"labels":{}},"networks":[{"address":"192.168.64.3\/24","gateway":"192.168.64.1","hostname":"web"}],"startedDate":${STARTED_2001},"status":"running"}]`;

const list = (json: string) => parseContainers(JSON.parse(json));

describe('apple: container JSON of every generation', () => {
  it('1.x: a running container with its labels, compose project, ports and "Up" status', () => {
    const [web] = list(LS_1X).map((c) => toSummary(c, STARTED_MS + 5 * 60_000));
    assert.equal(web.id, 'web');
    assert.equal(web.name, 'web');
    assert.deepEqual(web.names, ['web']);
    assert.equal(web.image, 'docker.io/library/nginx:latest');
    assert.equal(web.state, 'running');
    assert.equal(web.status, 'Up 5 minutes');
    assert.equal(web.created, CREATED_MS);
    assert.equal(web.labels.tier, 'front');
    assert.equal(web.composeProject, 'shop');
    assert.equal(web.composeService, 'web');
    assert.deepEqual(web.ports, [
      { containerPort: 80, hostPort: 8080, hostIp: '127.0.0.1', protocol: 'tcp' },
      { containerPort: 9000, hostPort: 19000, hostIp: '0.0.0.0', protocol: 'udp' },
      { containerPort: 9001, hostPort: 19001, hostIp: '0.0.0.0', protocol: 'udp' },
      { containerPort: 9002, hostPort: 19002, hostIp: '0.0.0.0', protocol: 'udp' },
    ]);
  });

  it('1.x: "stopped" is created when it never started, exited when it ran', () => {
    const [, fresh, done] = list(LS_1X).map((c) => toSummary(c));
    assert.deepEqual([fresh.state, fresh.status], ['created', 'Created']);
    assert.deepEqual([done.state, done.status], ['exited', 'Exited']);
  });

  it('1.x: details have the argv, workdir, user, tty, mounts, networks and start time', () => {
    const [web, , done] = list(LS_1X);
    const d = toDetails(web);
    assert.deepEqual(d.command, ['nginx', '-g', 'daemon off;']);
    assert.deepEqual(d.entrypoint, []);
    assert.equal(d.workingDir, '/srv');
    assert.equal(d.user, '501:20');
    assert.equal(d.tty, true);
    assert.equal(d.startedAt, STARTED_MS);
    assert.equal(d.exitCode, undefined, 'Apple snapshots carry no exit code');
    assert.deepEqual(d.mounts, [
      { type: 'bind', source: '/Users/me/site', destination: '/usr/share/nginx/html', readOnly: true },
      { type: 'volume', source: 'webdata', destination: '/data', readOnly: false },
    ]);
    assert.deepEqual(d.networks, [{ name: 'default', ipAddress: '192.168.64.3' }]);
    assert.equal(d.raw, web);
    assert.equal(toDetails(done).user, 'nobody');
  });

  it('0.8–0.12: string status, top-level networks, 2001-epoch dates normalise like 1.x', () => {
    const [web, fresh] = list(LS_08);
    const s = toSummary(web, STARTED_MS + 5 * 60_000);
    const d = toDetails(web);
    assert.equal(s.state, 'running');
    assert.equal(s.status, 'Up 5 minutes');
    assert.equal(s.created, CREATED_MS);
    assert.equal(d.startedAt, STARTED_MS);
    assert.deepEqual(d.networks, [{ name: 'default', ipAddress: '192.168.64.3' }]);
    assert.equal(s.composeProject, 'shop');
    assert.deepEqual(d.command, ['nginx', '-g', 'daemon off;']);
    assert.equal(toSummary(fresh).state, 'created');
    // Same container, either generation: the same summary.
    // 1.x also names the image's digest (what the Images view marks as in use).
    const { imageId, ...from1x } = toSummary(list(LS_1X)[0], STARTED_MS + 5 * 60_000);
    assert.equal(imageId, 'sha256:aaa');
    assert.deepEqual({ ...s, ports: [], mounts: [] }, { ...from1x, ports: [], mounts: [] });
  });

  it('≤0.7: networks[].address gives the IP address', () => {
    const d = toDetails(list(LS_07)[0]);
    assert.equal(d.state, 'running');
    assert.equal(d.startedAt, STARTED_MS);
    assert.deepEqual(d.networks, [{ name: 'default', ipAddress: '192.168.64.3' }]);
  });

  it('"stopping" still counts as running; an unknown state stays unknown; junk does not throw', () => {
    const base = (JSON.parse(LS_1X) as Record<string, unknown>[])[0];
    assert.deepEqual(
      [
        toSummary({ ...base, status: { state: 'stopping' } }).state,
        toSummary({ ...base, status: { state: 'stopping' } }).status,
      ],
      ['running', 'Stopping'],
    );
    assert.equal(toSummary({ ...base, status: { state: 'unknown' } }).state, 'unknown');
    assert.equal(toSummary({ ...base, status: 'weird' }).state, 'unknown');
    assert.throws(() => parseContainers(null), /`container ls` answered with null where a list of containers/);
    assert.deepEqual(parseContainers([1, 'x', null]), []);
    assert.equal(toSummary({}).id, '');
  });

  it('dates: ISO-8601, seconds since 2001 (number or numeric text), absent', () => {
    assert.equal(parseAppleDate('2025-06-10T12:00:05Z'), STARTED_MS);
    assert.equal(parseAppleDate(STARTED_2001), STARTED_MS);
    assert.equal(parseAppleDate(String(STARTED_2001)), STARTED_MS);
    assert.equal(parseAppleDate(0), Date.UTC(2001, 0, 1));
    assert.equal(parseAppleDate(undefined), undefined);
    assert.equal(parseAppleDate('not a date'), undefined);
  });
});

describe('apple: image, stats and system JSON', () => {
  it('image ls 1.x: name, digest id, size of the variants, creation date', () => {
    const json = String.raw`[{"configuration":{"creationDate":"2025-01-15T00:00:00Z","descriptor":{"digest":"sha256:idx","mediaType":"application\/vnd.oci.image.index.v1+json","size":1024},"name":"docker.io\/library\/alpine:latest"},"id":"sha256:idx","variants":[{"config":{},"digest":"sha256:arm","platform":{"architecture":"arm64","os":"linux","variant":"v8"},"size":4000000},{"config":{},"digest":"sha256:amd","platform":{"architecture":"amd64","os":"linux"},"size":3500000}]}]`;
    assert.deepEqual(toImageSummaries(JSON.parse(json)), [
      { id: 'sha256:idx', tags: ['docker.io/library/alpine:latest'], size: 7_500_000, created: Date.UTC(2025, 0, 15) },
    ]);
  });

  it('image ls 0.9–0.12: reference, fullSize text, descriptor digest', () => {
    const json = String.raw`[{"descriptor":{"digest":"sha256:old","mediaType":"application\/vnd.oci.image.index.v1+json","size":1024},"fullSize":"4.2 MB","reference":"docker.io\/library\/busybox:latest"}]`;
    assert.deepEqual(toImageSummaries(JSON.parse(json)), [
      { id: 'sha256:old', tags: ['docker.io/library/busybox:latest'], size: 4_200_000, created: 0 },
    ]);
  });

  it("sizes in the CLI's words", () => {
    assert.equal(parseSize('4.2 MB'), 4_200_000);
    assert.equal(parseSize('512 KB'), 512_000);
    assert.equal(parseSize('1 GiB'), 1024 ** 3);
    assert.equal(parseSize('123 bytes'), 123);
    assert.equal(parseSize('n/a'), 0);
  });

  it('stats json: fields are optional; CPU % is ΔcpuUsageUsec / Δt(µs) × 100', () => {
    const json =
      '[{"blockReadBytes":40960,"blockWriteBytes":12288,"cpuUsageUsec":1500000,"id":"web","memoryLimitBytes":1073741824,"memoryUsageBytes":12582912,"networkRxBytes":2048,"networkTxBytes":1024,"numProcesses":3},{"id":"bare"},{"noid":true}]';
    const [web, bare] = parseStats(JSON.parse(json));
    assert.equal(parseStats(JSON.parse(json)).length, 2);
    assert.equal(web.memoryUsageBytes, 12582912);
    assert.equal(web.numProcesses, 3);
    assert.equal(bare.cpuUsageUsec, undefined);
    // 0.5 s of CPU in 2 s: 25 % of one core; two cores busy: 200 %.
    assert.equal(cpuPercent(1_000_000, 10_000, 1_500_000, 12_000), 25);
    assert.equal(cpuPercent(0, 0, 4_000_000, 2_000), 200);
    assert.equal(cpuPercent(undefined, undefined, 1_500_000, 12_000), 0, 'one sample: no CPU %');
    assert.equal(cpuPercent(5_000_000, 10_000, 1_000, 12_000), 0, 'counter went back (restart)');
    assert.equal(cpuPercent(1, 10_000, 2, 10_000), 0, 'no time passed');
  });

  it('system status 1.2.2 and 1.4.1 shapes; not running / unregistered', () => {
    const v122 = String.raw`{"apiServerBuild":"release","apiServerCommit":"abc1234","apiServerVersion":"container-apiserver version 1.2.2 (build: release, commit: abc1234)","appRoot":"\/Users\/me\/Library\/Application Support\/com.apple.container\/","installRoot":"\/usr\/local\/","status":"running"}`;
    const v141 =
      '{"client":{"appName":"container","version":"1.4.1"},"paths":{"appRoot":"/x/"},"server":{"appName":"container-apiserver","build":"release","commit":"def5678","version":"1.4.1"},"status":"running"}';
    assert.deepEqual(parseSystemStatus(JSON.parse(v122)), {
      running: true,
      status: 'running',
      serverVersion: '1.2.2',
      appRoot: '/Users/me/Library/Application Support/com.apple.container/',
    });
    assert.deepEqual(parseSystemStatus(JSON.parse(v141)), {
      running: true,
      status: 'running',
      serverVersion: '1.4.1',
      appRoot: '/x/',
    });
    assert.equal(parseSystemStatus({ status: 'not running' }).running, false);
    assert.equal(parseSystemStatus({ status: 'unregistered' }).running, false);
    assert.equal(parseSystemStatus(null).running, false);
  });

  it('system version json with and without the server entry; --version text', () => {
    const up =
      '[{"appName":"container","buildType":"release","commit":"abc1234","version":"1.2.2"},{"appName":"container-apiserver","buildType":"release","commit":"abc1234","version":"1.2.2"}]';
    assert.deepEqual(parseSystemVersion(JSON.parse(up)), {
      cli: '1.2.2',
      server: '1.2.2',
      commit: 'abc1234',
      buildType: 'release',
    });
    const down = '[{"appName":"container","buildType":"release","commit":"abc1234","version":"1.2.2"}]';
    assert.equal(parseSystemVersion(JSON.parse(down)).server, undefined);
    assert.equal(parseVersionText('container CLI version 1.2.2 (build: release, commit: abc1234)\n'), '1.2.2');
    assert.equal(parseVersionText('something else'), undefined);
  });

  it('image references are compared the way the CLI writes them', () => {
    assert.equal(normalizeImageRef('alpine'), 'docker.io/library/alpine:latest');
    assert.equal(normalizeImageRef('me/app:1'), 'docker.io/me/app:1');
    assert.equal(normalizeImageRef('ghcr.io/o/app'), 'ghcr.io/o/app:latest');
    assert.equal(normalizeImageRef('localhost:5000/app:dev'), 'localhost:5000/app:dev');
    assert.equal(normalizeImageRef('alpine@sha256:abc'), 'docker.io/library/alpine@sha256:abc');
  });
});

describe('apple: CLI errors → RuntimeError', () => {
  const failure = (stderr: string, exitCode = 1, stdout = '') => fromCliFailure({ stderr, stdout, exitCode }, 'test');
  const DOWN =
    'Error: internalError: "failed to list containers" (cause: "interrupted: "XPC connection error: Connection invalid"")\n' +
    'Ensure container system service has been started with `container system start`.\n';

  it('service down → unavailable, with the hint to run `container system start`', () => {
    for (const e of [failure(DOWN), failure('', 1, 'apiserver is not running\n')]) {
      assert.equal(e.code, 'unavailable');
      assert.match(e.message, /not running/);
      assert.match(e.hint ?? '', /run `container system start`/);
    }
  });

  it("each command's not-found text → notFound naming the container", () => {
    for (const text of [
      'Error: container not found: foo', // inspect
      'Error: get failed: container foo not found', // exec, start
      'Error: notFound: "container with ID foo not found"', // stop, kill, rm
      'Error: no such container: foo', // stats
    ]) {
      const e = failure(text);
      assert.equal(e.code, 'notFound', text);
      assert.equal(e.message, 'No such container: foo.', text);
    }
  });

  it('not running, running-can-not-be-deleted and name taken → conflict; usage → invalidArgument', () => {
    const notRunning = failure('Error: container foo is not running');
    assert.equal(notRunning.code, 'conflict');
    assert.match(notRunning.message, /foo is not running/);
    const running = failure('Error: container foo is running and can not be deleted');
    assert.equal(running.code, 'conflict');
    assert.match(running.message, /stop it first, or remove it with force/);
    assert.equal(failure('Error: exists: "container with id foo already exists"').code, 'conflict');
    const u = failure("Error: Unknown option '--bogus'\nUsage: container list <options>", 64);
    assert.equal(u.code, 'invalidArgument');
    assert.equal(u.message, "Unknown option '--bogus'");
    assert.equal(failure('Error: something odd').code, 'internal');
    assert.ok(failure('x') instanceof RuntimeError);
  });

  it("the CLI's own errors are told apart from an exec'd command's stderr", () => {
    assert.equal(isCliError('Error: container foo is not running\n'), true);
    assert.equal(isCliError('Error: get failed: container foo not found\n'), true);
    assert.equal(isCliError(DOWN), true);
    assert.equal(isCliError('oops\n'), false);
    assert.equal(isCliError('Error: file not readable\n'), false);
    assert.equal(isCliError(''), false);
  });
});

describe('apple: container create flags', () => {
  it('maps every option to a flag, each value one argument (no shell)', () => {
    const tricky = 'a b "c" $(no) ;|&';
    const args = AppleRuntime.createArgs({
      image: 'alpine',
      name: 'web',
      cmd: ['echo', tricky],
      env: { GREETING: tricky },
      labels: { 'dev.x': 'y z' },
      workingDir: '/srv',
      user: '501:20',
      tty: true,
      openStdin: true,
      autoRemove: true,
      mounts: [
        { type: 'bind', source: '/Users/me/site', target: '/site', readOnly: true },
        { type: 'volume', source: 'data', target: '/data' },
        { type: 'bind', source: '/odd:path', target: '/odd' },
      ],
      ports: [
        { containerPort: 80, hostPort: 8080, protocol: 'tcp' },
        { containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1', protocol: 'udp' },
      ],
    });
    assert.deepEqual(args, [
      'create',
      '--name',
      'web',
      '-e',
      `GREETING=${tricky}`,
      '-l',
      'dev.x=y z',
      '-w',
      '/srv',
      '-u',
      '501:20',
      '-t',
      '-i',
      '--rm',
      '-v',
      '/Users/me/site:/site:ro',
      '-v',
      'data:/data',
      '--mount',
      'type=bind,source=/odd:path,target=/odd',
      '-p',
      '8080:80',
      '-p',
      '127.0.0.1:5353:53/udp',
      'alpine',
      'echo',
      tricky,
    ]);
  });

  it('a long entrypoint: the first word is --entrypoint, the rest leads the command', () => {
    assert.deepEqual(AppleRuntime.createArgs({ image: 'alpine', entrypoint: ['sh', '-c'], cmd: ['echo hi'] }), [
      'create',
      '--entrypoint',
      'sh',
      'alpine',
      '-c',
      'echo hi',
    ]);
  });

  it('host options: cpus, memory and network become -c, -m and --network; others are refused by name', () => {
    assert.deepEqual(
      AppleRuntime.createArgs({ image: 'alpine', host: { cpus: 1.5, memory: 3 * 2 ** 30, network: 'dev' } }),
      ['create', '-c', '2', '-m', '3072M', '--network', 'dev', 'alpine'],
    );
    assert.deepEqual(unsupportedOnApple({ cpus: 2, capAdd: [], privileged: false, sysctls: {} }), []);
    assert.throws(
      () => AppleRuntime.createArgs({ image: 'alpine', host: { capAdd: ['SYS_PTRACE'], privileged: true } }),
      (e: unknown) =>
        e instanceof RuntimeError && e.code === 'invalidArgument' && /cannot set capAdd, privileged/.test(e.message),
    );
  });

  it('refuses names and images that the CLI would read as options', () => {
    assert.throws(
      () => AppleRuntime.createArgs({ image: '--privileged' }),
      (e: unknown) => e instanceof RuntimeError && e.code === 'invalidArgument',
    );
    assert.throws(
      () => AppleRuntime.createArgs({ image: 'alpine', name: '-x' }),
      (e: unknown) => e instanceof RuntimeError && e.code === 'invalidArgument',
    );
  });
});

describe('apple: events from two lists', () => {
  const snap = (entries: object[]) => snapshotsOf(entries);
  const c = (id: string, state: string, started?: string) => ({
    id,
    configuration: { id, image: { reference: 'img' } },
    status: { state, ...(started ? { startedDate: started } : {}) },
  });
  const actions = (a: object[], b: object[]) => diffSnapshots(snap(a), snap(b), 1).map((e) => `${e.action}:${e.id}`);

  it('create, start, die and destroy with name and image', () => {
    assert.deepEqual(actions([], [c('a', 'stopped')]), ['create:a']);
    assert.deepEqual(actions([c('a', 'stopped')], [c('a', 'running', '2025-06-10T12:00:05Z')]), ['start:a']);
    assert.deepEqual(
      actions([c('a', 'running', '2025-06-10T12:00:05Z')], [c('a', 'stopped', '2025-06-10T12:00:05Z')]),
      ['die:a'],
    );
    assert.deepEqual(actions([c('a', 'stopped', '2025-06-10T12:00:05Z')], []), ['destroy:a']);
    assert.deepEqual(actions([c('a', 'running', '2025-06-10T12:00:05Z')], []), ['die:a', 'destroy:a']);
    const [e] = diffSnapshots(snap([]), snap([c('a', 'stopped')]), 42);
    assert.deepEqual(e, {
      type: 'container',
      action: 'create',
      id: 'a',
      name: 'a',
      image: 'img',
      time: 42,
      attributes: { name: 'a', image: 'img' },
    });
  });

  it('changes that happened between two lists are all told', () => {
    assert.deepEqual(actions([], [c('a', 'running', '2025-06-10T12:00:05Z')]), ['create:a', 'start:a']);
    assert.deepEqual(actions([], [c('a', 'stopped', '2025-06-10T12:00:05Z')]), ['create:a', 'start:a', 'die:a']);
    assert.deepEqual(
      actions([c('a', 'running', '2025-06-10T12:00:05Z')], [c('a', 'running', '2025-06-10T12:09:00Z')]),
      ['die:a', 'start:a'],
    );
    assert.deepEqual(actions([c('a', 'stopped')], [c('a', 'stopped', '2025-06-10T12:09:00Z')]), ['start:a', 'die:a']);
    assert.deepEqual(
      actions([c('a', 'running', '2025-06-10T12:00:05Z')], [c('a', 'running', '2025-06-10T12:00:05Z')]),
      [],
    );
  });
});

describe('apple: answers that are not what a command prints', () => {
  /** A RuntimeError (never a TypeError) that names Apple's CLI and the command, and says what was wrong. */
  const bad = (what: string, problem: RegExp) => (e: unknown) => {
    assert.ok(e instanceof RuntimeError, `a RuntimeError, not ${String(e)}`);
    assert.equal(e.code, 'internal');
    assert.ok(e.message.startsWith(`Apple's container CLI: \`${what}\` answered with `), e.message);
    assert.match(e.message, problem);
    return true;
  };
  const ls = (text: string) => parseContainers(parseJson(text, 'container ls'));

  it('garbage, HTML, NUL bytes and nothing at all', () => {
    assert.throws(
      () => ls('container: fatal error'),
      bad('container ls', /something that is not JSON \(“container: fatal error”\)/),
    );
    assert.throws(() => ls('<html><body>502</body></html>'), bad('container ls', /an HTML page, not JSON/));
    assert.throws(() => ls('[{"id":"a"}]\0\0'), bad('container ls', /NUL bytes/));
    assert.throws(() => ls(''), bad('container ls', /nothing where JSON was expected/));
    assert.throws(() => ls('  \n\t'), bad('container ls', /nothing/));
  });

  it('JSON cut short', () => {
    const full = '[{"id":"web","status":{"state":"running"}}]';
    for (const n of [1, 10, full.length - 1])
      assert.throws(() => ls(full.slice(0, n)), bad('container ls', /JSON that is cut short/), String(n));
  });

  it('the wrong type at the top: a number, a string, true, null', () => {
    assert.throws(() => ls('42'), bad('container ls', /a number where a list of containers was expected/));
    assert.throws(() => ls('"web"'), bad('container ls', /a string where a list/));
    assert.throws(() => ls('true'), bad('container ls', /a boolean where a list/));
    assert.throws(() => ls('null'), bad('container ls', /null where a list/));
    assert.throws(
      () => parseStats(parseJson('"x"', 'container stats')),
      bad('container stats', /a string where a list of snapshots/),
    );
    assert.throws(
      () => toImageSummaries(parseJson('{"id":"x"}', 'container image ls')),
      bad('container image ls', /an object where a list of images/),
    );
    // One container printed as a lone object is accepted (older CLIs' inspect).
    assert.equal(toSummary(ls('{"id":"web","status":"running"}')[0]).state, 'running');
  });

  it('wrong types inside: every field tolerated, never a TypeError', () => {
    const weird = [
      { id: 5, configuration: 'x', status: 7 },
      { id: 'a', configuration: { labels: ['x'], publishedPorts: 'p', mounts: {}, image: 3, initProcess: [] } },
      {
        id: 'b',
        configuration: { publishedPorts: [{ containerPort: 'eighty' }, null, { containerPort: 1, count: 'x' }] },
      },
      { id: 'c', status: { state: 9, startedDate: { y: 1 }, networks: 'none' }, networks: [null, 4] },
      { id: 'd', configuration: { creationDate: 1e308, labels: { ok: 'y', n: 1 } }, startedDate: -1e308 },
    ];
    const text = JSON.stringify(weird);
    const summaries = ls(text).map((c) => toSummary(c));
    const details = ls(text).map((c) => toDetails(c));
    assert.deepEqual(
      summaries.map((c) => c.id),
      ['', 'a', 'b', 'c', 'd'],
    );
    assert.deepEqual(summaries[2].ports, [
      { containerPort: 1, hostPort: undefined, hostIp: undefined, protocol: 'tcp' },
    ]);
    assert.equal(summaries[4].created, 0, 'a date no Date can hold is no date');
    assert.deepEqual(summaries[4].labels, { ok: 'y' });
    assert.ok(details.every((d) => Array.isArray(d.command) && Array.isArray(d.networks)));
    assert.deepEqual(parseStats([{ id: 3 }, { id: 'x', cpuUsageUsec: 'lots' }]), [
      {
        id: 'x',
        memoryUsageBytes: undefined,
        memoryLimitBytes: undefined,
        cpuUsageUsec: undefined,
        networkRxBytes: undefined,
        networkTxBytes: undefined,
        blockReadBytes: undefined,
        blockWriteBytes: undefined,
        numProcesses: undefined,
      },
    ]);
  });

  it('deep nesting is refused before parsing; ordinary depth is not', () => {
    const deep = `[${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}]`;
    assert.throws(() => ls(deep), bad('container ls', /nested more than 64 levels deep/));
    const veryDeep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    assert.throws(() => parseJson(veryDeep, 'container inspect'), bad('container inspect', /nested more than/));
    // Brackets inside strings do not count.
    assert.equal(ls(JSON.stringify([{ id: '[[[[' + '['.repeat(200), status: 'running' }])).length, 1);
  });

  it('huge arrays: more entries than accepted is an error, not minutes of work', () => {
    const many = `[${Array.from({ length: MAX_LIST_ENTRIES + 1 }, () => '{}').join(',')}]`;
    assert.throws(
      () => ls(many),
      bad('container ls', new RegExp(`${MAX_LIST_ENTRIES + 1} entries, more than the ${MAX_LIST_ENTRIES} accepted`)),
    );
    // A port range of a million is capped, not expanded.
    const ports = [
      {
        id: 'p',
        configuration: { publishedPorts: Array.from({ length: 100 }, () => ({ containerPort: 1, count: 1e6 })) },
      },
    ];
    const t0 = Date.now();
    assert.ok(toSummary(ls(JSON.stringify(ports))[0]).ports.length <= 4096);
    assert.ok(Date.now() - t0 < 1000);
  });

  it('control characters: names kept as they are, the sample in a message escaped', () => {
    const esc = ls(JSON.stringify([{ id: 'evil\u001b]0;pwned\u0007', status: 'running' }]));
    assert.equal(toSummary(esc[0]).id, 'evil\u001b]0;pwned\u0007');
    assert.throws(
      () => ls('\u001b[31mError\u001b[0m \u009b not json'),
      (e: unknown) =>
        // eslint-disable-next-line no-control-regex -- what must not be in the message
        e instanceof RuntimeError && !/[\u001b\u009b]/.test(e.message) && /\\x1b\[31mError/.test(e.message),
    );
  });

  it('operations refuse an id with control characters clearly (a NUL could not even be passed on)', async () => {
    const rt = new AppleRuntime({ cliPath: '/nonexistent/container' });
    try {
      for (const id of ['a\u0000b', 'evil\u001b[2J', 'x\ny', '\u009bz'])
        await assert.rejects(
          rt.inspect(id),
          (e: unknown) =>
            e instanceof RuntimeError &&
            e.code === 'invalidArgument' &&
            /Not a valid container id/.test(e.message) &&
            // eslint-disable-next-line no-control-regex -- what must not be in the message
            !/[\u0000\u001b\n\u009b]/.test(e.message),
        );
    } finally {
      await rt.close();
    }
  });
});

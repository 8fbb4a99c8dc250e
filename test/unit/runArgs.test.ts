// runArgs read into engine options (what is honoured, what is warned about), and `mounts` entries in
// their string and object forms.
import * as assert from 'node:assert/strict';
import { RuntimeError } from '../../src/core/runtime/errors';
import { parseMount, parseMountString } from '../../src/core/workspace/mounts';
import { parseBytes, parseRunArgs, RUN_ARGS_LIMITS } from '../../src/core/workspace/runArgs';

const ctx = { folder: '/home/me/proj', env: { FROM_HOST: 'yes' } };

describe('runArgs (runArgs.ts)', () => {
  it('a real-world runArgs: ptrace debugging, a network, a GPU, shm, env, labels — each in engine terms, nothing warned', () => {
    const { options, warnings } = parseRunArgs(
      [
        '--cap-add=SYS_PTRACE',
        '--security-opt',
        'seccomp=unconfined',
        '--network=host',
        '--gpus',
        'all',
        '--shm-size=2g',
        '-e',
        'A=1',
        '-eB=2',
        '--env=C=x=y',
        '-e',
        'FROM_HOST',
        '-e',
        'NOT_SET_ANYWHERE',
        '--label',
        'team=dev',
        '-l',
        'flag',
        '--privileged',
        '--init=false',
        '-m',
        '512m',
        '--cpus=1.5',
        '--ipc=host',
        '--pid',
        'host',
        '--userns=keep-id',
        '--sysctl',
        'net.ipv4.ip_forward=1',
        '--hostname=dev',
        '-u',
        '1000:1000',
        '-w',
        '/src',
        '--entrypoint',
        '/bin/bash',
        '--cap-drop=MKNOD',
        '--add-host=db:10.0.0.2',
        '--add-host',
        'cache=10.0.0.3',
      ],
      ctx,
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(options, {
      capAdd: ['SYS_PTRACE'],
      capDrop: ['MKNOD'],
      securityOpt: ['seccomp=unconfined'],
      privileged: true,
      init: false,
      env: { A: '1', B: '2', C: 'x=y', FROM_HOST: 'yes' },
      labels: { team: 'dev', flag: '' },
      ports: [],
      network: 'host',
      extraHosts: ['db:10.0.0.2', 'cache:10.0.0.3'],
      shmSize: 2 * 1024 ** 3,
      memory: 512 * 1024 ** 2,
      cpus: 1.5,
      devices: [],
      ulimits: [],
      mounts: [],
      tmpfs: {},
      user: '1000:1000',
      workdir: '/src',
      hostname: 'dev',
      entrypoint: '/bin/bash',
      gpus: 'all',
      ipc: 'host',
      pid: 'host',
      userns: 'keep-id',
      sysctls: { 'net.ipv4.ip_forward': '1' },
    });
  });

  it('ports: container only, host:container, ip:host:container, [ipv6], ranges, udp', () => {
    const { options, warnings } = parseRunArgs(
      [
        '-p',
        '3000',
        '-p=8080:80',
        '--publish',
        '127.0.0.1:5432:5432/tcp',
        '-p',
        '[::1]:53:53/udp',
        '-p',
        '9000-9001:7000-7001',
      ],
      ctx,
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(options.ports, [
      { containerPort: 3000, protocol: 'tcp' },
      { containerPort: 80, hostPort: 8080, protocol: 'tcp' },
      { containerPort: 5432, hostPort: 5432, hostIp: '127.0.0.1', protocol: 'tcp' },
      { containerPort: 53, hostPort: 53, hostIp: '::1', protocol: 'udp' },
      { containerPort: 7000, hostPort: 9000, protocol: 'tcp' },
      { containerPort: 7001, hostPort: 9001, protocol: 'tcp' },
    ]);
    const bad = parseRunArgs(['-p', '99999', '-p', '1-5000', '-p', '80/quic', '-p', '1-2:3'], ctx);
    assert.deepEqual(bad.options.ports, []);
    assert.deepEqual(bad.warnings, [
      'runArgs: -p "99999" is not a port mapping (e.g. 8080:80); it is ignored.',
      'runArgs: -p "1-5000" is not a port mapping (e.g. 8080:80); it is ignored.',
      'runArgs: -p "80/quic" is not a port mapping (e.g. 8080:80); it is ignored.',
      'runArgs: -p "1-2:3": host and container ranges differ in size; it is ignored.',
    ]);
  });

  it('volumes and mounts: named volume, host path (relative to the folder), read-only, tmpfs, devices, ulimits', () => {
    const { options, warnings } = parseRunArgs(
      [
        '-v',
        'cache:/root/.cache',
        '--volume=/var/run/docker.sock:/var/run/docker.sock:ro',
        '-v',
        './data:/data:cached',
        '--mount',
        'type=bind,source=/etc/hosts,target=/etc/hosts2,readonly',
        '--mount=type=tmpfs,target=/scratch,tmpfs-size=64m',
        '--tmpfs',
        '/run:rw,size=10m',
        '--device=/dev/fuse',
        '--device',
        '/dev/sda:/dev/xvda:r',
        '--ulimit',
        'nofile=1024:4096',
        '--ulimit=core=-1',
      ],
      ctx,
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(options.mounts, [
      { type: 'volume', source: 'cache', target: '/root/.cache' },
      { type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: true },
      { type: 'bind', source: '/home/me/proj/data', target: '/data' },
      { type: 'bind', source: '/etc/hosts', target: '/etc/hosts2', readOnly: true },
    ]);
    assert.deepEqual(options.tmpfs, { '/scratch': 'size=64m', '/run': 'rw,size=10m' });
    assert.deepEqual(options.devices, [
      { pathOnHost: '/dev/fuse', pathInContainer: '/dev/fuse', cgroupPermissions: 'rwm' },
      { pathOnHost: '/dev/sda', pathInContainer: '/dev/xvda', cgroupPermissions: 'r' },
    ]);
    assert.deepEqual(options.ulimits, [
      { name: 'nofile', soft: 1024, hard: 4096 },
      { name: 'core', soft: -1, hard: -1 },
    ]);
  });

  it('every other flag is a warning naming it, its value not mistaken for an argument; --name is refused; values we cannot read are named', () => {
    const { options, warnings } = parseRunArgs(
      [
        '--rm',
        '-it',
        '--restart',
        'always',
        '--platform=linux/amd64',
        '--name',
        'mine',
        'stray',
        '--shm-size=lots',
        '--privileged=maybe',
        '-v',
        '/anonymous',
        '-v',
        'src:/dst:z',
        '--mount',
        'type=volume,target=/x,volume-driver=local',
        '--cap-add',
      ],
      ctx,
    );
    assert.deepEqual(warnings, [
      'runArgs: --rm is not honoured.',
      'runArgs: -i (--interactive) is not honoured.',
      'runArgs: -t (--tty) is not honoured.',
      'runArgs: --restart is not honoured.',
      'runArgs: --platform is not honoured.',
      'runArgs: --name is not honoured: Container Workspaces names the workspace container itself.',
      'runArgs: "stray" is not a flag; it is ignored.',
      'runArgs: --shm-size "lots" is not a size (e.g. 1g, 512m); it is ignored.',
      'runArgs: --privileged=maybe should be true or false; it is ignored.',
      'runArgs: -v "/anonymous" is an anonymous volume, which is not supported; it is ignored.',
      'runArgs: -v option "z" in "src:/dst:z" is not honoured.',
      'runArgs: volume-driver=local in "type=volume,target=/x,volume-driver=local" is not honoured.',
      'runArgs: "type=volume,target=/x,volume-driver=local" is an anonymous volume (no source), which is not supported; it is left out.',
      'runArgs: --cap-add needs a value; it is ignored.',
    ]);
    assert.deepEqual(options.mounts, [{ type: 'volume', source: 'src', target: '/dst' }]);
    assert.equal(options.privileged, undefined);
  });

  it('bounded and never throws: 10 000 arguments read, the rest one warning; non-strings skipped; 5000-port ranges refused', () => {
    const args = Array.from({ length: RUN_ARGS_LIMITS.maxArgs + 5 }, () => '--init');
    const started = Date.now();
    const r = parseRunArgs(args, ctx);
    assert.ok(Date.now() - started < 1000);
    assert.deepEqual(r.warnings, [`runArgs: only the first 10000 of 10005 arguments are read.`]);
    assert.doesNotThrow(() => parseRunArgs([42, null, { a: 1 }] as unknown as string[], ctx));
    const ports = parseRunArgs(
      Array.from({ length: 10 }, (_, i) => `-p=${i * 1000 + 1}-${i * 1000 + 1000}`),
      ctx,
    );
    assert.equal(ports.options.ports.length, 4000, 'up to RUN_ARGS_LIMITS.maxPorts');
    assert.equal(ports.warnings.length, 6);
  });

  it('sizes as the docker CLI reads them: b, k, m, g, t (×1024), with or without a trailing b', () => {
    assert.deepEqual(['1g', '512m', '64mb', '1.5g', '100', '2k', '1GiB', 'x', '-1m'].map(parseBytes), [
      1024 ** 3,
      512 * 1024 ** 2,
      64 * 1024 ** 2,
      1.5 * 1024 ** 3,
      100,
      2048,
      1024 ** 3,
      undefined,
      undefined,
    ]);
  });
});

describe('mounts (mounts.ts)', () => {
  const c = { folder: '/home/me/proj', env: { HOME: '/home/me' }, devcontainerId: 'abc123' };

  it('string form: bind, volume and tmpfs with every key spelling; variables substituted in each value', () => {
    assert.deepEqual(parseMount('src=${localEnv:HOME}/.ssh,dst=/root/.ssh,type=bind,ro=true,consistency=cached', c), {
      mount: { type: 'bind', source: '/home/me/.ssh', target: '/root/.ssh', readOnly: true },
      warnings: [],
    });
    assert.deepEqual(parseMount('source=node-modules-${devcontainerId},destination=/app/node_modules,type=volume', c), {
      mount: { type: 'volume', source: 'node-modules-abc123', target: '/app/node_modules' },
      warnings: [],
    });
    assert.deepEqual(parseMount('type=tmpfs,target=/tmp,tmpfs-size=100m,tmpfs-mode=1777,readonly', c), {
      tmpfs: { target: '/tmp', options: 'ro,size=100m,mode=1777' },
      warnings: [],
    });
    assert.deepEqual(parseMount('type=bind,source=scripts,target=/scripts', c).mount?.source, '/home/me/proj/scripts');
  });

  it('object form: type, source, target with variables; an anonymous volume is a warning and left out', () => {
    assert.deepEqual(parseMount({ type: 'volume', source: 'dind-${devcontainerId}', target: '/var/lib/docker' }, c), {
      mount: { type: 'volume', source: 'dind-abc123', target: '/var/lib/docker' },
      warnings: [],
    });
    const anon = parseMount({ type: 'volume', target: '/cache' }, c);
    assert.equal(anon.mount, undefined);
    assert.match(anon.warnings[0], /anonymous volume/);
  });

  it('what MountSpec cannot say is a warning naming it; an unusable entry is an error naming it', () => {
    assert.deepEqual(parseMount('type=bind,source=/a,target=/b,bind-propagation=rshared', c).warnings, [
      'mounts: bind-propagation=rshared in "type=bind,source=/a,target=/b,bind-propagation=rshared" is not honoured.',
    ]);
    for (const [entry, why] of [
      ['type=bind,target=/b', 'has no source'],
      ['type=bind,source=/a,target=relative', 'needs an absolute target'],
      ['type=npipe,source=/a,target=/b', 'has type "npipe"'],
      ['type=bind,source=/a,target=/b,colour=red', 'has an unknown field "colour"'],
    ] as const) {
      assert.throws(
        () => parseMount(entry, c),
        (e: unknown) =>
          e instanceof RuntimeError &&
          e.code === 'invalidArgument' &&
          e.message.includes(why) &&
          e.message.includes(entry),
        entry,
      );
    }
  });

  it('workspaceMount keeps its rules: bind or volume only, propagation quietly ignored', () => {
    assert.deepEqual(parseMountString('source=/x,target=/w,type=bind,bind-propagation=rprivate', c), {
      type: 'bind',
      source: '/x',
      target: '/w',
    });
    assert.throws(() => parseMountString('type=tmpfs,target=/w', c), /only bind and volume mounts are supported/);
  });
});

// build.options read into engine build parameters (what is honoured, what is one warning), build.cacheFrom,
// how they meet build.args / build.target in the plan, the /build query for dockerd and Podman, Apple's
// `container build` argv, and hostRequirements against given machine figures.
import * as assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDevcontainer } from '../../src/core/detection/devcontainers';
import { appleBuildArgs, buildUnsupportedOnApple } from '../../src/core/runtime/apple/appleRuntime';
import { buildQuery, buildUnsupportedOnPodman } from '../../src/core/runtime/docker/dockerRuntime';
import type { BuildOptions } from '../../src/core/runtime/types';
import { cacheFromImages, parseBuildOptions, type BuildFlags } from '../../src/core/workspace/buildOptions';
import {
  formatSize,
  hostRequirementWarnings,
  machineFigures,
  type MachineFigures,
} from '../../src/core/workspace/hostRequirements';
import { planWorkspace } from '../../src/core/workspace/plan';

const GB = 1024 ** 3;
const none = (): BuildFlags => ({ buildArgs: {}, labels: {}, extraHosts: [], cacheFrom: [] });

describe('build.options (buildOptions.ts)', () => {
  const honoured: [string, string[], string[], Partial<BuildFlags>][] = [
    ['--build-arg', ['--build-arg', 'A=1'], ['--build-arg=A=1'], { buildArgs: { A: '1' } }],
    ['--label', ['--label', 'k=v'], ['--label=k=v'], { labels: { k: 'v' } }],
    ['--target', ['--target', 'final'], ['--target=final'], { target: 'final' }],
    ['--network', ['--network', 'host'], ['--network=host'], { network: 'host' }],
    ['--platform', ['--platform', 'linux/amd64'], ['--platform=linux/amd64'], { platform: 'linux/amd64' }],
    ['--add-host', ['--add-host', 'db:10.0.0.5'], ['--add-host=db:10.0.0.5'], { extraHosts: ['db:10.0.0.5'] }],
    ['--shm-size', ['--shm-size', '1g'], ['--shm-size=1g'], { shmSize: GB }],
    ['--cache-from', ['--cache-from', 'img:1'], ['--cache-from=img:1'], { cacheFrom: ['img:1'] }],
    ['--no-cache', ['--no-cache'], ['--no-cache=true'], { noCache: true }],
    ['--pull', ['--pull'], ['--pull=true'], { pull: true }],
  ];
  for (const [flag, spaced, joined, want] of honoured) {
    it(`${flag}: both forms are read, nothing is warned`, () => {
      for (const args of [spaced, joined]) {
        const r = parseBuildOptions(args);
        assert.deepEqual(r.flags, { ...none(), ...want }, args.join(' '));
        assert.deepEqual(r.warnings, [], args.join(' '));
      }
    });
  }

  it('all of them at once, in engine terms; repeated --build-arg / --label add up (the later one wins)', () => {
    const r = parseBuildOptions([
      '--build-arg',
      'A=1',
      '--build-arg=B=2',
      '--build-arg',
      'A=3',
      '--label',
      'x=1',
      '--label=y',
      '--no-cache',
      '--pull=false',
      '--target',
      'dev',
      '--network=none',
      '--platform',
      'linux/arm64/v8',
      '--add-host',
      'a:1.2.3.4',
      '--add-host=b=::1',
      '--shm-size=512m',
      '--cache-from',
      'one',
      '--cache-from=one',
      '--cache-from=two',
    ]);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.flags, {
      buildArgs: { A: '3', B: '2' },
      labels: { x: '1', y: '' },
      noCache: true,
      pull: false,
      target: 'dev',
      network: 'none',
      platform: 'linux/arm64/v8',
      extraHosts: ['a:1.2.3.4', 'b:::1'],
      shmSize: 512 * 1024 ** 2,
      cacheFrom: ['one', 'two'],
    });
  });

  it('values with spaces, quotes and shell characters are passed as they are (no shell, no unquoting)', () => {
    const r = parseBuildOptions([
      '--build-arg',
      'MSG=hello world',
      '--build-arg=Q="quoted"',
      "--build-arg=S='single' $(touch x) `y`; z",
      '--label',
      'desc=a "b" c',
      '--target',
      'with space',
    ]);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.flags.buildArgs, { MSG: 'hello world', Q: '"quoted"', S: "'single' $(touch x) `y`; z" });
    assert.deepEqual(r.flags.labels, { desc: 'a "b" c' });
    assert.equal(r.flags.target, 'with space');
  });

  it('flags not honoured are named in one warning, their values not read as flags or kept', () => {
    const r = parseBuildOptions([
      '--secret',
      'id=x,src=/run/secret',
      '--ssh',
      'default',
      '--progress=plain',
      '--load',
      '-o',
      'type=docker',
      '-t',
      'other:tag',
      '-q',
      '--build-arg',
      'KEPT=1',
      '--cache-to',
      'type=inline',
      '--secret=id=y',
      '.',
    ]);
    assert.deepEqual(r.flags, { ...none(), buildArgs: { KEPT: '1' } });
    assert.equal(r.warnings.length, 1, r.warnings.join('\n'));
    const [w] = r.warnings;
    assert.match(
      w,
      /^build\.options: --secret, --ssh, --progress, --load, -o, -t, -q, --cache-to, "\." are not honoured/,
    );
    assert.doesNotMatch(w, /id=x|default|other:tag|type=|KEPT|--build-arg/);
    assert.match(parseBuildOptions(['--squash'])[`warnings`][0], /--squash is not honoured/);
  });

  it('a bool flag not honoured does not swallow the next argument; an unknown one takes a value', () => {
    const r = parseBuildOptions(['--load', '--target', 'a', '--rm', 'stray', '--iidfile', 'f', '--target=b']);
    assert.equal(r.flags.target, 'b');
    assert.match(r.warnings[0], /--load, --rm, "stray", --iidfile are not honoured/);
  });

  it('bad values are warned and left out; --build-arg NAME takes NAME from the environment', () => {
    const r = parseBuildOptions(
      [
        '--shm-size',
        'lots',
        '--add-host',
        'nocolon',
        '--build-arg',
        '=x',
        '--no-cache=maybe',
        '--build-arg',
        'FROM_HOST',
        '--build-arg',
        'UNSET_HERE',
        '--target',
      ],
      { env: { FROM_HOST: 'yes' } },
    );
    assert.deepEqual(r.flags, { ...none(), buildArgs: { FROM_HOST: 'yes' } });
    assert.deepEqual(r.warnings, [
      'build.options: --shm-size "lots" is not a size (e.g. 1g, 512m); it is ignored.',
      'build.options: --add-host "nocolon" should be "name:ip"; it is ignored.',
      'build.options: --build-arg "=x" has no name; it is ignored.',
      'build.options: --no-cache=maybe should be true or false; it is ignored.',
      'build.options: --target needs a value; it is ignored.',
    ]);
  });

  it('a BuildKit cache source is not an image: warned, not passed', () => {
    const r = parseBuildOptions(['--cache-from', 'type=registry,ref=x/y', '--cache-from=img']);
    assert.deepEqual(r.flags.cacheFrom, ['img']);
    assert.match(r.warnings[0], /--cache-from "type=registry,ref=x\/y" is a BuildKit cache source/);
    const c = cacheFromImages(['a:1', 'type=gha', 'a:1', ' ', 'b']);
    assert.deepEqual(c.images, ['a:1', 'b']);
    assert.equal(c.warnings.length, 1);
    assert.match(c.warnings[0], /^build\.cacheFrom: "type=gha" is a BuildKit cache source/);
    assert.deepEqual(cacheFromImages(['x']).warnings, []);
  });

  it('prototype keys are plain keys', () => {
    const r = parseBuildOptions(['--build-arg', '__proto__=x', '--label', 'constructor=y']);
    assert.equal(Object.getPrototypeOf(r.flags.buildArgs), Object.prototype);
    assert.equal(r.flags.buildArgs['__proto__'], 'x');
    assert.deepEqual(Object.keys(r.flags.labels), ['constructor']);
  });
});

describe('build.options and build.cacheFrom in the plan', () => {
  const FOLDER = '/home/me/proj';
  const plan = (build: object, env: NodeJS.ProcessEnv = {}) => {
    const r = parseDevcontainer(join(FOLDER, '.devcontainer/devcontainer.json'), JSON.stringify({ build }), FOLDER);
    assert.ok(r.config, JSON.stringify(r.diagnostics));
    return planWorkspace(
      FOLDER,
      { kind: 'devcontainer', label: 'x', devcontainer: r.config },
      { runtime: 'docker', env },
    );
  };

  it("options come after build.args and build.target, as the Dev Containers CLI passes them: the options' win", () => {
    const p = plan({
      dockerfile: 'Dockerfile',
      args: { GREETING: 'from-args', ONLY_ARGS: '1' },
      target: 'dev',
      options: ['--build-arg', 'GREETING=from-options', '--target=final', '--label', 'a=b', '--no-cache'],
      cacheFrom: ['base:1', 'type=gha'],
    });
    assert.ok(p.image?.kind === 'build');
    assert.deepEqual(p.image.args, { GREETING: 'from-options', ONLY_ARGS: '1' });
    assert.equal(p.image.target, 'final');
    assert.deepEqual(p.image.options, { labels: { a: 'b' }, noCache: true, cacheFrom: ['base:1'] });
    assert.equal(p.warnings.length, 1, p.warnings.join('\n'));
    assert.match(p.warnings[0], /build\.cacheFrom: "type=gha"/);
  });

  it('variables are substituted in the options; none set leaves the plan as it was', () => {
    const p = plan(
      { dockerfile: 'Dockerfile', options: ['--build-arg', 'U=${localEnv:WHO}', '--secret', 'id=s'], cacheFrom: 'c:1' },
      { WHO: 'me' },
    );
    assert.ok(p.image?.kind === 'build');
    assert.deepEqual(p.image.args, { U: 'me' });
    assert.deepEqual(p.image.options, { cacheFrom: ['c:1'] });
    assert.match(p.warnings[0], /^build\.options: --secret is not honoured/);
    const bare = plan({ dockerfile: 'Dockerfile' });
    assert.ok(bare.image?.kind === 'build');
    assert.equal('options' in bare.image, false);
    assert.deepEqual(bare.warnings, []);
  });
});

describe('the /build query (dockerd, Podman) and `container build` (Apple)', () => {
  const base: BuildOptions = { context: '/ctx', tag: 'img:latest', dockerfile: 'Dockerfile' };
  const all: BuildOptions = {
    ...base,
    target: 'final',
    buildArgs: { A: '1' },
    labels: { l: 'v' },
    noCache: true,
    pull: true,
    network: 'host',
    platform: 'linux/amd64',
    extraHosts: ['a:1.2.3.4', 'b:5.6.7.8'],
    shmSize: GB,
    cacheFrom: ['c:1'],
  };

  it('dockerd: every option as its parameter; extrahosts one per host; unset ones left out', () => {
    assert.deepEqual(buildQuery(all, 'docker'), {
      t: 'img:latest',
      dockerfile: 'Dockerfile',
      target: 'final',
      buildargs: { A: '1' },
      labels: { l: 'v' },
      nocache: true,
      pull: true,
      networkmode: 'host',
      platform: 'linux/amd64',
      extrahosts: ['a:1.2.3.4', 'b:5.6.7.8'],
      shmsize: GB,
      cachefrom: ['c:1'],
      rm: true,
      forcerm: true,
    });
    assert.deepEqual(buildQuery({ ...base, noCache: false, extraHosts: [], cacheFrom: [] }, 'docker'), {
      t: 'img:latest',
      dockerfile: 'Dockerfile',
      rm: true,
      forcerm: true,
    });
  });

  it('Podman: extrahosts as a JSON array; --network other than host and cacheFrom refused by name', () => {
    const { cacheFrom: _, ...rest } = all;
    const q = buildQuery(rest, 'podman');
    assert.equal(q.extrahosts, '["a:1.2.3.4","b:5.6.7.8"]');
    assert.equal(q.networkmode, 'host');
    assert.equal(q.cachefrom, undefined);
    assert.deepEqual(buildUnsupportedOnPodman(all), ['cacheFrom']);
    assert.deepEqual(buildUnsupportedOnPodman({ ...base, network: 'none' }), ['network']);
    assert.deepEqual(buildUnsupportedOnPodman({ ...base, network: 'default' }), []);
    assert.throws(() => buildQuery(all, 'podman'), { code: 'invalidArgument', message: /cacheFrom/ });
    assert.throws(() => buildQuery({ ...base, network: 'none' }, 'podman'), { message: /network/ });
  });

  it('Apple: --target, --no-cache, --os/--arch, --build-arg, --label mapped; the rest named and refused', () => {
    const mapped: BuildOptions = { ...base, target: 'final', noCache: true, platform: 'linux/amd64' };
    assert.deepEqual(appleBuildArgs({ ...mapped, buildArgs: { A: 'x y' }, labels: { l: 'v' } }, '/ctx'), [
      'build',
      '-t',
      'img:latest',
      '-f',
      '/ctx/Dockerfile',
      '--target',
      'final',
      '--no-cache',
      '--os',
      'linux',
      '--arch',
      'amd64',
      '--build-arg',
      'A=x y',
      '--label',
      'l=v',
      '/ctx',
    ]);
    assert.deepEqual(appleBuildArgs(base, '/ctx'), ['build', '-t', 'img:latest', '-f', '/ctx/Dockerfile', '/ctx']);
    assert.deepEqual(buildUnsupportedOnApple(all), ['pull', 'network', 'extraHosts', 'shmSize', 'cacheFrom']);
    assert.deepEqual(buildUnsupportedOnApple({ ...base, platform: 'linux/arm/v7' }), ['platform']);
    assert.deepEqual(buildUnsupportedOnApple({ ...base, platform: '--os/x' }), ['platform']);
    assert.throws(() => appleBuildArgs(all, '/ctx'), { code: 'invalidArgument', message: /pull, network/ });
  });
});

describe('hostRequirements against the machine (hostRequirements.ts)', () => {
  const machine: MachineFigures = { cpus: 2, memory: 8 * GB, storage: 12.5 * GB };

  it('one line per unmet requirement, with both figures', () => {
    assert.deepEqual(hostRequirementWarnings({ cpus: 8, memory: 16 * GB, storage: 64 * GB }, machine), [
      'hostRequirements: needs 8 CPUs, this machine has 2; the container may be slow.',
      'hostRequirements: needs 16 GB of memory, this machine has 8 GB; what runs in the container may run out of memory.',
      "hostRequirements: needs 64 GB of storage, the workspace folder's file system has 12.5 GB free.",
    ]);
  });

  it('met requirements (equal counts too) are silent; none at all is silent', () => {
    assert.deepEqual(hostRequirementWarnings({ cpus: 2, memory: 8 * GB, storage: 12 * GB, gpu: false }, machine), []);
    assert.deepEqual(hostRequirementWarnings({ cpus: 1 }, machine), []);
    assert.deepEqual(hostRequirementWarnings(undefined, machine), []);
    assert.deepEqual(hostRequirementWarnings({}, machine), []);
  });

  it('each requirement on its own: cpus, memory, storage', () => {
    assert.equal(hostRequirementWarnings({ cpus: 3 }, machine).length, 1);
    assert.match(hostRequirementWarnings({ memory: 8 * GB + 1 }, machine)[0], /needs 8 GB of memory/);
    assert.match(hostRequirementWarnings({ storage: 13 * GB }, machine)[0], /needs 13 GB of storage/);
    assert.match(hostRequirementWarnings({ cpus: 1 }, { ...machine, cpus: 0 })[0], /needs 1 CPU, this machine has 0/);
  });

  it('storage that cannot be read, and a GPU, are said not to be checked; "optional" is no warning', () => {
    assert.deepEqual(hostRequirementWarnings({ storage: GB }, { cpus: 4, memory: GB }), [
      "hostRequirements: needs 1 GB of storage; the free space of the workspace folder's file system could not " +
        'be read, so it is not checked.',
    ]);
    assert.deepEqual(hostRequirementWarnings({ gpu: true }, machine), [
      'hostRequirements: needs a GPU; whether this machine has one is not checked.',
    ]);
    assert.deepEqual(hostRequirementWarnings({ gpu: { cores: 1000, memory: 8 * GB } }, machine), [
      'hostRequirements: needs a GPU with 1000 cores and 8 GB of memory; whether this machine has one is not checked.',
    ]);
    assert.match(hostRequirementWarnings({ gpu: { memory: GB } }, machine)[0], /a GPU with 1 GB of memory;/);
    assert.match(hostRequirementWarnings({ gpu: {} }, machine)[0], /needs a GPU;/);
    assert.deepEqual(hostRequirementWarnings({ gpu: 'optional' }, machine), []);
  });

  it('sizes read as devcontainer.json writes them', () => {
    assert.deepEqual([0, 512, 1024, 1536, 4 * 1024 ** 2, 1.25 * GB, 3 * 1024 ** 4].map(formatSize), [
      '0 bytes',
      '512 bytes',
      '1 KB',
      '1.5 KB',
      '4 MB',
      '1.3 GB',
      '3 TB',
    ]);
  });

  it("this machine's figures: CPUs and memory, the folder's free space; a missing folder's is unknown", async () => {
    const m = await machineFigures(tmpdir());
    assert.ok(m.cpus >= 1 && Number.isInteger(m.cpus), String(m.cpus));
    assert.ok(m.memory > 0);
    assert.ok(typeof m.storage === 'number' && m.storage >= 0, String(m.storage));
    const missing = await machineFigures(join(tmpdir(), `cws-no-such-folder-${process.pid}`, 'x'));
    assert.equal(missing.storage, undefined);
    assert.equal(missing.cpus, m.cpus);
  });
});

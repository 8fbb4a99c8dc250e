import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { RuntimeError } from '../../src/core/runtime/errors';
import {
  appleCanExist,
  detectRuntimes,
  dockerEndpointFor,
  resolveRuntimeId,
  runtimeChoice,
} from '../../src/core/runtime/select';

describe('runtime selection', () => {
  it('setting > CONTAINER_RUNTIME > auto', () => {
    assert.equal(runtimeChoice({ setting: 'podman', env: { CONTAINER_RUNTIME: 'docker' } }), 'podman');
    assert.equal(runtimeChoice({ setting: 'auto', env: { CONTAINER_RUNTIME: 'Podman' } }), 'podman');
    assert.equal(runtimeChoice({ setting: 'apple', env: {} }), 'apple');
    assert.equal(runtimeChoice({ env: {} }), 'auto');
  });

  it('host: a choice with no engine behind it', async () => {
    assert.equal(runtimeChoice({ setting: 'host' }), 'host');
    assert.equal(runtimeChoice({ env: { CONTAINER_RUNTIME: 'host' } }), 'host');
    await assert.rejects(
      resolveRuntimeId({ setting: 'host' }),
      (e: unknown) => e instanceof RuntimeError && /no container engine/.test(e.message),
    );
  });

  it('an unknown value is an error that lists the valid ones and names its source', () => {
    assert.throws(
      () => runtimeChoice({ env: { CONTAINER_RUNTIME: 'lxc' } }),
      (e: unknown) =>
        e instanceof RuntimeError &&
        e.code === 'invalidArgument' &&
        /CONTAINER_RUNTIME/.test(e.message) &&
        e.hint === 'Use one of: auto, docker, podman, apple, host.',
    );
    assert.throws(() => runtimeChoice({ setting: 'nope', settingSource: '--runtime' }), /from --runtime/);
  });
});

describe('auto-detection and a program named `container`', () => {
  // A stand-in `container` on PATH that only records that it ran (and fails, like a stranger would).
  let dir: string;
  let mark: string;
  const saved = { PATH: process.env.PATH, mark: process.env.CWS_STUB_MARK };
  const ran = () => (existsSync(mark) ? readFileSync(mark, 'utf8').split('\n').filter(Boolean) : []);
  const nothingAnswers = {
    env: {},
    dockerHost: 'unix:///nonexistent/cws-docker.sock',
    podmanHost: 'unix:///nonexistent/cws-podman.sock',
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cws-select-'));
    mark = join(dir, 'ran');
    writeFileSync(join(dir, 'container'), '#!/bin/sh\necho "$*" >> "$CWS_STUB_MARK"\nexit 1\n', { mode: 0o755 });
    process.env.PATH = `${dir}${delimiter}${saved.PATH ?? ''}`;
    process.env.CWS_STUB_MARK = mark;
  });
  after(() => {
    process.env.PATH = saved.PATH;
    if (saved.mark === undefined) delete process.env.CWS_STUB_MARK;
    else process.env.CWS_STUB_MARK = saved.mark;
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => rmSync(mark, { force: true }));

  it('Apple Containers can exist only on macOS on Apple silicon', () => {
    assert.equal(appleCanExist({ platform: 'darwin', arch: 'arm64' }), true);
    assert.equal(appleCanExist({ platform: 'darwin', arch: 'x64' }), false);
    assert.equal(appleCanExist({ platform: 'linux', arch: 'arm64' }), false);
    assert.equal(appleCanExist({ platform: 'win32', arch: 'x64' }), false);
  });

  for (const [platform, arch] of [
    ['linux', 'x64'],
    ['linux', 'arm64'],
    ['darwin', 'x64'],
    ['win32', 'x64'],
  ] as const) {
    it(`on ${platform}/${arch} neither auto nor detection runs a \`container\` found on PATH`, async () => {
      assert.equal(await resolveRuntimeId({ ...nothingAnswers, platform, arch }, 500), 'docker');
      const found = await detectRuntimes({ ...nothingAnswers, platform, arch }, 500);
      const apple = found.find((r) => r.id === 'apple')!;
      assert.equal(apple.available, false);
      assert.equal(apple.error?.code, 'unavailable');
      assert.match(
        apple.error?.message ?? '',
        new RegExp(`only on macOS on Apple silicon \\(this is ${platform}/${arch}\\)`),
      );
      assert.match(apple.error?.hint ?? '', /apple\.cliPath/);
      assert.deepEqual(ran(), [], 'the program was not run');
    });
  }

  it('an explicit CLI path, CONTAINER_RUNTIME=apple or the apple setting lets detection try it anywhere', async () => {
    const stub = join(dir, 'container');
    await detectRuntimes({ ...nothingAnswers, platform: 'linux', arch: 'x64', appleCliPath: stub }, 2000);
    assert.ok(ran().length > 0, 'apple.cliPath: tried');
    rmSync(mark, { force: true });
    await detectRuntimes(
      { ...nothingAnswers, env: { CONTAINER_RUNTIME: 'apple' }, platform: 'linux', arch: 'x64' },
      2000,
    );
    assert.ok(ran().length > 0, 'CONTAINER_RUNTIME=apple: tried');
    rmSync(mark, { force: true });
    await detectRuntimes({ ...nothingAnswers, setting: 'apple', platform: 'linux', arch: 'x64' }, 2000);
    assert.ok(ran().length > 0, 'runtime=apple: tried');
    // Still, auto never picks Apple there: it does not even ask.
    rmSync(mark, { force: true });
    assert.equal(
      await resolveRuntimeId({ ...nothingAnswers, platform: 'linux', arch: 'x64', appleCliPath: stub }, 500),
      'docker',
    );
    assert.deepEqual(ran(), []);
  });

  it('on an Apple silicon Mac auto asks the `container` on PATH', async () => {
    await resolveRuntimeId({ ...nothingAnswers, platform: 'darwin', arch: 'arm64' }, 2000);
    assert.ok(
      ran().some((l) => l.startsWith('system status')),
      ran().join('|'),
    );
  });
});

describe('selection: the insecure-hosts setting reaches the Docker endpoint', () => {
  it('verification is off for the listed host:port only, through the settings the extension passes', () => {
    const at = (host: string, insecureHosts?: string[]) =>
      dockerEndpointFor({ dockerHost: host, env: {}, home: tmpdir(), insecureHosts });
    assert.equal(at('https://build-box:2376', ['build-box:2376']).skipTLSVerify, true);
    assert.equal(at('https://build-box:2376').skipTLSVerify, undefined, 'no setting: verified');
    assert.equal(at('https://other:2376', ['build-box:2376']).skipTLSVerify, undefined, 'another host: verified');
  });
});

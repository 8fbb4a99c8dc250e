// Faults of Apple's `container` CLI (test/fakes/container in its place) while the live container
// store polls it: the CLI missing, its service down, every call hanging, garbage answers, a call
// killed from outside. Each fault is injected while the store is held, seen by the store as a clear
// error, then cleared; the store must list the containers again within 5 s of the CLI answering
// (no new runtime, no reload). Each is recorded with recordFault.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppleRuntime } from '../../src/core/runtime/apple/appleRuntime';
import { RuntimeError } from '../../src/core/runtime/errors';
import { ContainerStore } from '../../src/core/live/containerStore';
import { FAKE, FakeBed } from '../support/appleFake';
import { recordFault } from '../support/tally';
import { until } from '../support/until';

const RECOVER_MS = 5_000;

describe('faults: Apple container CLI under the live store', function () {
  this.timeout(60_000);
  let bed: FakeBed;
  let store: ContainerStore | undefined;
  let release: (() => void) | undefined;

  beforeEach(async () => {
    bed = new FakeBed();
    // A container made by someone else: what the store must show again once the CLI answers.
    const made = await bed.cli(['create', '--name', 'fault-web', 'docker.io/library/busybox:latest', 'sleep', '60']);
    assert.equal(made.code, 0, made.stderr);
  });
  afterEach(async () => {
    release?.();
    store?.dispose();
    store = undefined;
    release = undefined;
    await bed.cleanup();
  });

  /** Holds a store on `rt` (as a visible view does) and waits for its first answer. */
  async function watch(rt: AppleRuntime): Promise<ContainerStore> {
    store = new ContainerStore({ pollMs: 500 });
    store.setRuntime(rt);
    release = store.acquire();
    await store.whenSettled();
    return store;
  }

  /**
   * The store shows the fault (an error matching `seen`), `clear` ends it, and the store lists
   * fault-web again within RECOVER_MS. Recorded either way; asserted.
   */
  async function faultAndRecovery(
    name: string,
    s: ContainerStore,
    seen: { code: string; message: RegExp },
    clear: () => void,
  ): Promise<void> {
    const err = await until(`the store to report ${name}`, () => s.error, 15_000);
    assert.ok(err instanceof RuntimeError, `${name}: a RuntimeError, got ${String(err)}`);
    assert.equal(err.code, seen.code, `${name}: ${err.message}`);
    assert.match(err.message, seen.message, name);
    clear();
    const t0 = Date.now();
    let recovered = false;
    try {
      await until(
        `the store to list fault-web again after ${name}`,
        () => (s.get('fault-web') && !s.error ? true : undefined),
        RECOVER_MS,
      );
      recovered = true;
    } finally {
      recordFault(`apple: ${name}`, recovered, `${Date.now() - t0} ms after the CLI answered again`);
    }
    assert.ok(recovered);
  }

  it('the CLI missing, then installed', async () => {
    const bin = join(bed.dir, 'bin');
    const cliPath = join(bin, 'container');
    const s = await watch(bed.runtime({}, { cliPath }));
    await faultAndRecovery('CLI missing', s, { code: 'unavailable', message: /container CLI was not found/ }, () => {
      mkdirSync(bin);
      symlinkSync(FAKE, cliPath);
    });
  });

  it('the container service down, then started', async () => {
    writeFileSync(join(bed.dir, 'down'), '');
    const s = await watch(bed.runtime());
    await faultAndRecovery('service down', s, { code: 'unavailable', message: /Apple Containers is not running/ }, () =>
      rmSync(join(bed.dir, 'down')),
    );
  });

  it('every call hanging, then answering', async () => {
    writeFileSync(join(bed.dir, 'hang'), '');
    const s = await watch(bed.runtime({}, { timeoutMs: 1_500 }));
    await faultAndRecovery('CLI hanging', s, { code: 'timeout', message: /did not answer in time/ }, () =>
      rmSync(join(bed.dir, 'hang')),
    );
  });

  it('garbage answers, then good ones', async () => {
    writeFileSync(join(bed.dir, 'garbage'), '');
    const s = await watch(bed.runtime());
    await faultAndRecovery(
      'CLI printing garbage',
      s,
      { code: 'internal', message: /`container ls` answered with something that is not JSON/ },
      () => rmSync(join(bed.dir, 'garbage')),
    );
  });

  it('a call killed from outside mid-answer', async () => {
    const s = await watch(bed.runtime({}, { timeoutMs: 30_000 }));
    assert.ok(s.get('fault-web'), 'listed before the fault');
    writeFileSync(join(bed.dir, 'hang'), '');
    const hung = await until('a hung ls', () => bed.running().find((c) => c.args[0] === 'ls'), 10_000);
    rmSync(join(bed.dir, 'hang'));
    process.kill(hung.pid, 'SIGKILL');
    await faultAndRecovery(
      'CLI killed mid-call',
      s,
      { code: 'internal', message: /container ls failed/ },
      () => undefined,
    );
  });
});

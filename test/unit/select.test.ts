import * as assert from 'node:assert/strict';
import { RuntimeError } from '../../src/core/runtime/errors';
import { resolveRuntimeId, runtimeChoice } from '../../src/core/runtime/select';

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

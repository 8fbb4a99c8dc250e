import * as assert from 'node:assert/strict';
import { RuntimeError } from '../../src/runtime/errors';
import { runtimeChoice } from '../../src/runtime/select';

describe('runtime selection', () => {
  it('setting > CONTAINER_RUNTIME > auto', () => {
    assert.equal(runtimeChoice({ setting: 'podman', env: { CONTAINER_RUNTIME: 'docker' } }), 'podman');
    assert.equal(runtimeChoice({ setting: 'auto', env: { CONTAINER_RUNTIME: 'Podman' } }), 'podman');
    assert.equal(runtimeChoice({ setting: 'apple', env: {} }), 'apple');
    assert.equal(runtimeChoice({ env: {} }), 'auto');
  });

  it('an unknown value is an error that lists the valid ones and names its source', () => {
    assert.throws(() => runtimeChoice({ env: { CONTAINER_RUNTIME: 'lxc' } }), (e: unknown) =>
      e instanceof RuntimeError && e.code === 'invalidArgument' && /CONTAINER_RUNTIME/.test(e.message)
      && e.hint === 'Use one of: auto, docker, podman, apple.');
    assert.throws(() => runtimeChoice({ setting: 'nope', settingSource: '--runtime' }), /from --runtime/);
  });
});

// Dev container variables: ${devcontainerId} as the spec computes it, ${containerEnv:…} once the
// container exists, remoteEnv, and substitution that is one pass whatever the values hold.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { RuntimeError } from '../../src/core/runtime/errors';
import {
  devcontainerId,
  devcontainerIdFor,
  MAX_SUBSTITUTED_LENGTH,
  resolveRemoteEnv,
  substitute,
  substituteContainerEnv,
} from '../../src/core/workspace/substitute';

/** The spec's label-based computation (devcontainer-id-variable.md), written out step by step. */
function specId(labels: Record<string, string>): string {
  const input = JSON.stringify(labels, Object.keys(labels).sort());
  const hash = createHash('sha256').update(Buffer.from(input, 'utf-8')).digest();
  return BigInt(`0x${hash.toString('hex')}`)
    .toString(32)
    .padStart(52, '0');
}

describe('substitution (substitute.ts)', () => {
  it('${devcontainerId}: the spec result for the folder and config labels; 52 base-32 characters, stable, distinct per config', () => {
    const folder = '/home/me/proj';
    const config = '/home/me/proj/.devcontainer/devcontainer.json';
    const id = devcontainerIdFor(folder, config);
    assert.equal(
      id,
      specId({ 'devcontainer.local_folder': folder, 'devcontainer.config_file': config }),
      'same as the spec computes',
    );
    assert.match(id, /^[0-9a-v]{52}$/);
    assert.equal(devcontainerIdFor(folder, config), id, 'stable across calls (and rebuilds)');
    assert.notEqual(devcontainerIdFor(folder, '/home/me/proj/.devcontainer/go/devcontainer.json'), id);
    // Key order does not matter; unicode and quotes are hashed as UTF-8 JSON.
    const odd = { b: 'ü "quoted" \\ path', a: '日本' };
    assert.equal(devcontainerId(odd), specId(odd));
    assert.equal(devcontainerId({ a: odd.a, b: odd.b }), devcontainerId(odd));
    // A hash with leading zero digits is still padded to 52.
    assert.equal(devcontainerId({}).length, 52);
  });

  it('${devcontainerId} in values once known, left as written before', () => {
    const base = { folder: '/p', env: {} };
    assert.equal(substitute('dind-${devcontainerId}', { ...base, devcontainerId: 'xyz' }), 'dind-xyz');
    assert.equal(substitute('dind-${devcontainerId}', base), 'dind-${devcontainerId}');
  });

  it('${containerEnv:NAME} and ${containerEnv:NAME:default} from the container; missing → default or empty; others untouched', () => {
    const env = { PATH: '/usr/bin:/bin', EMPTY: '' };
    assert.equal(substituteContainerEnv('${containerEnv:PATH}:/opt/bin', env), '/usr/bin:/bin:/opt/bin');
    assert.equal(substituteContainerEnv('[${containerEnv:NOPE}]', env), '[]');
    assert.equal(substituteContainerEnv('${containerEnv:NOPE:fallback:with:colons}', env), 'fallback:with:colons');
    assert.equal(substituteContainerEnv('[${containerEnv:EMPTY:d}]', env), '[]', 'set but empty is empty');
    assert.equal(substituteContainerEnv('${localEnv:HOME} ${containerEnv}', env), '${localEnv:HOME} ${containerEnv}');
    assert.equal(substituteContainerEnv('${containerEnv:toString}', env), '', 'no prototype names');
  });

  it('remoteEnv: host variables and containerEnv in one pass; null stays null (unset)', () => {
    const r = resolveRemoteEnv(
      {
        PATH: '${containerEnv:PATH}:${containerWorkspaceFolder}/bin',
        HOST_HOME: '${localEnv:HOME}',
        TRICK: '${localEnv:TRICKY}',
        GONE: null,
      },
      {
        folder: '/p',
        containerWorkspaceFolder: '/workspaces/p',
        env: { HOME: '/home/me', TRICKY: '${containerEnv:PATH}' },
      },
      { PATH: '/usr/bin' },
    );
    assert.deepEqual(r, {
      PATH: '/usr/bin:/workspaces/p/bin',
      HOST_HOME: '/home/me',
      // A host value holding a variable is not expanded again.
      TRICK: '${containerEnv:PATH}',
      GONE: null,
    });
  });

  it('single pass: values holding ${…} are never re-expanded; growth is bounded with a clear error', () => {
    const env = { A: '${localEnv:B}', B: 'x' };
    assert.equal(substitute('${localEnv:A}', { folder: '/p', env }), '${localEnv:B}');
    const big = 'y'.repeat(600 * 1024);
    assert.throws(
      () => substitute('${localEnv:BIG}${localEnv:BIG}', { folder: '/p', env: { BIG: big } }),
      (e: unknown) =>
        e instanceof RuntimeError && e.code === 'invalidArgument' && e.message.includes(String(MAX_SUBSTITUTED_LENGTH)),
    );
    // 100 000 variables in one value: linear.
    const many = '${localEnv:B}'.repeat(100_000);
    const started = Date.now();
    assert.equal(substitute(many, { folder: '/p', env }).length, 100_000);
    assert.ok(Date.now() - started < 1000);
  });
});

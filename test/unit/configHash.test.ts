// What marks a workspace container out of date: a change to what shapes it (image, Features,
// containerEnv, remoteUser, which Features are installed for and updateRemoteUserUID gives its
// ids), not to what is read again at every start or attach (remoteEnv, postStart, waitFor) or names.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseDevcontainer } from '../../src/core/detection/devcontainers';
import { configHash } from '../../src/core/workspace/configHash';

const FOLDER = '/home/me/proj';
const hashOf = (config: object) => {
  const r = parseDevcontainer(join(FOLDER, '.devcontainer/devcontainer.json'), JSON.stringify(config), FOLDER);
  assert.ok(r.config, JSON.stringify(r.diagnostics));
  return configHash(r.config);
};

describe('config hash (out of date)', () => {
  const base = {
    name: 'x',
    image: 'debian:12',
    features: { './f': {} },
    remoteUser: 'dev',
    remoteEnv: { A: '1' },
    postStartCommand: 'echo start',
    containerEnv: { B: '2' },
  };
  it('is the same for the same config, whatever the key order', () => {
    assert.equal(hashOf(base), hashOf(Object.fromEntries(Object.entries(base).reverse())));
  });
  for (const [what, change] of [
    ['image', { image: 'debian:13' }],
    ['a Feature', { features: { './f': {}, './g': {} } }],
    ["a Feature's options", { features: { './f': { v: '2' } } }],
    ['containerEnv', { containerEnv: { B: '3' } }],
    ['remoteUser', { remoteUser: 'node' }],
    ['updateRemoteUserUID', { updateRemoteUserUID: false }],
  ] as const)
    it(`changes with ${what}`, () => assert.notEqual(hashOf({ ...base, ...change }), hashOf(base)));
  for (const [what, change] of [
    ['remoteEnv', { remoteEnv: { A: '2' } }],
    ['postStartCommand', { postStartCommand: 'echo again' }],
    ['waitFor', { waitFor: 'postCreateCommand' }],
    ['name', { name: 'y' }],
  ] as const)
    it(`stays with ${what}`, () => assert.equal(hashOf({ ...base, ...change }), hashOf(base)));
});

import * as assert from 'node:assert/strict';
import { containersOfImage, imageInventory } from '../../src/core/inventory/images';
import { networkInventory } from '../../src/core/inventory/networks';
import { namesOf } from '../../src/core/inventory/remove';
import { toVolumes as appleVolumes, toNetworks as appleNetworks } from '../../src/core/runtime/apple/resources';
import {
  splitReference,
  toImages,
  toLibpodNetworks,
  toNetworks,
  toVolumes,
} from '../../src/core/runtime/docker/resources';
import type { ContainerSummary, ImageSummary } from '../../src/core/runtime/types';

const origin = { label: 'Docker', path: '/x' };
const c = (name: string, more: Partial<ContainerSummary> = {}): ContainerSummary => ({
  id: `${name}-id`,
  name,
  names: [name],
  image: '',
  state: 'running',
  status: '',
  created: 0,
  labels: {},
  ports: [],
  ...more,
});
const img = (id: string, tags: string[], created = 0): ImageSummary => ({ id, tags, size: 1, created });

describe('inventory: images, volumes and networks joined with their containers', () => {
  it('images by repository (sorted), tags newest first, the untagged apart; a registry port is not a tag', () => {
    const inv = imageInventory(
      [
        img('sha256:a', ['registry:5000/team/app:1'], 1),
        img('sha256:b', ['registry:5000/team/app:2', 'alpine:3'], 2),
        img('sha256:c', [], 3),
      ],
      [],
    );
    assert.deepEqual(
      inv.groups.map((g) => [g.repository, g.rows.map((r) => r.tag)]),
      [
        ['alpine', ['3']],
        ['registry:5000/team/app', ['2', '1']],
      ],
    );
    assert.deepEqual(
      inv.dangling.map((r) => [r.ref, r.tag]),
      [['sha256:c', '<none>']],
    );
    assert.deepEqual(splitReference('registry:5000/app'), { repo: 'registry:5000/app', tag: 'latest' });
    assert.deepEqual(splitReference('app:1@sha256:ff'), { repo: 'app', tag: '1' });
  });

  it('a container uses the image whose id it names; by reference only when the engine gave no id', () => {
    const image = img('sha256:new', ['app:1']);
    assert.deepEqual(
      containersOfImage(image, [
        c('old', { image: 'app:1', imageId: 'sha256:old' }), // made before the tag moved
        c('same', { image: 'app:1', imageId: 'sha256:new' }),
        c('byref', { image: 'docker.io/library/app:1' }),
      ]).map((x) => x.name),
      ['same', 'byref'],
    );
  });

  it("networks: the engine's own first and marked; attached containers by name", () => {
    const rows = networkInventory(
      'podman',
      [
        { id: '2', name: 'mine', driver: 'bridge', scope: 'local', labels: {} },
        { id: '1', name: 'podman', driver: 'bridge', scope: 'local', labels: {} },
      ],
      [c('w', { networkNames: ['mine'] })],
    );
    assert.deepEqual(
      rows.map((r) => [r.network.name, r.builtIn, r.attached.length]),
      [
        ['podman', true, 0],
        ['mine', false, 1],
      ],
    );
    assert.equal(namesOf([c('a'), c('b'), c('c'), c('d'), c('e')]), 'a, b, c and 2 more');
  });

  it("the engine's lists: null Volumes is none, wrong types are named, Podman's libpod list read", () => {
    assert.deepEqual(toVolumes({ Volumes: null, Warnings: null }, origin), []);
    assert.deepEqual(
      toVolumes({ Volumes: [{ Name: 'v', Driver: 'local', CreatedAt: '2024-01-02T03:04:05Z', Labels: null }] }, origin),
      [{ name: 'v', driver: 'local', created: Date.UTC(2024, 0, 2, 3, 4, 5), labels: {} }],
    );
    assert.throws(() => toVolumes([], origin), /Docker answered \/x with something that is not a volume list/);
    assert.throws(() => toNetworks([{ Id: 5 }], origin), /a network whose Id is not a string/);
    assert.deepEqual(
      toImages([{ Id: 'sha256:a', RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'], Size: 3 }], origin)[0]
        .tags,
      [],
    );
    assert.equal(toLibpodNetworks([{ id: 'x', name: 'podman', driver: 'bridge' }], origin)[0].name, 'podman');
  });

  it("Apple's volume and network lists, either shape, junk skipped", () => {
    assert.deepEqual(
      appleVolumes([
        { name: 'data', driver: 'local', source: '/v/data', labels: { a: 'b' }, metadata: { createdAt: 0 } },
        { nope: 1 },
        7,
      ]).map((v) => [v.name, v.mountpoint, v.labels]),
      [['data', '/v/data', { a: 'b' }]],
    );
    assert.deepEqual(
      appleNetworks([
        { id: 'default', state: 'running', config: { id: 'default', mode: 'nat' } },
        { running: { id: 'side', config: { mode: 'nat', labels: { x: 'y' } } } },
      ]).map((n) => [n.name, n.driver, n.labels]),
      [
        ['default', 'nat', {}],
        ['side', 'nat', { x: 'y' }],
      ],
    );
    assert.throws(() => appleNetworks('text'), /network list/);
  });
});

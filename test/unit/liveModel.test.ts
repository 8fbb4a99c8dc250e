// What the views compute from container summaries: which containers are the workspace's, the state
// of each Compose service, how the Containers view is arranged, and which changes it repaints.
import * as assert from 'node:assert/strict';
import {
  composeServiceContainers,
  devcontainerContainers,
  isInside,
  statusOf,
  workspaceFolderOf,
} from '../../src/core/workspace/membership';
import { exitCodeFromStatus, toSummary } from '../../src/core/runtime/docker/normalize';
import { Backoff } from '../../src/core/live/backoff';
import { sameShown } from '../../src/core/live/containerStore';
import type { ContainerSummary } from '../../src/core/runtime/types';
import { arrange, matchesFilter } from '../../src/core/live/grouping';

let n = 0;
function c(o: Partial<ContainerSummary> & { labels?: Record<string, string> } = {}): ContainerSummary {
  n++;
  return {
    id: `id${n}`,
    name: `c${n}`,
    names: [`c${n}`],
    image: 'busybox',
    state: 'running',
    status: 'Up 1 second',
    created: 0,
    ports: [],
    ...o,
    labels: o.labels ?? {},
  };
}
const compose = (project: string, service: string, extra: Record<string, string> = {}) => ({
  'com.docker.compose.project': project,
  'com.docker.compose.service': service,
  ...extra,
});

describe('workspace containers', () => {
  it('isInside: the folder itself and what is below it, not a sibling with the same prefix', () => {
    assert.ok(isInside('/ws/app', '/ws/app', 'linux'));
    assert.ok(isInside('/ws/app/sub/dir', '/ws/app', 'linux'));
    assert.ok(!isInside('/ws/app-other', '/ws/app', 'linux'));
    assert.ok(!isInside('/ws', '/ws/app', 'linux'));
    assert.ok(isInside('/Users/Me/App/x', '/users/me/app', 'darwin'), 'case-insensitive on macOS');
    assert.ok(!isInside('/Users/Me/App/x', '/users/me/app', 'linux'));
  });

  it("a container is the workspace's by its Compose working_dir, dev container folder or our own label", () => {
    const folders = ['/ws/one', '/ws/two'];
    assert.equal(
      workspaceFolderOf(
        c({ labels: { 'com.docker.compose.project.working_dir': '/ws/two/deploy' } }),
        folders,
        'linux',
      ),
      '/ws/two',
    );
    assert.equal(
      workspaceFolderOf(c({ labels: { 'devcontainer.local_folder': '/ws/one' } }), folders, 'linux'),
      '/ws/one',
    );
    assert.equal(
      workspaceFolderOf(c({ labels: { 'dev.containerworkspaces.workspace': '/ws/one' } }), folders, 'linux'),
      '/ws/one',
    );
    assert.equal(
      workspaceFolderOf(c({ labels: { 'com.docker.compose.project.working_dir': '/elsewhere' } }), folders, 'linux'),
      undefined,
    );
    assert.equal(
      workspaceFolderOf(c({ labels: { 'devcontainer.local_folder': 'relative/path' } }), folders, 'linux'),
      undefined,
    );
    assert.equal(workspaceFolderOf(c(), folders, 'linux'), undefined);
  });

  it('service state: not created, running (n/m when scaled), partly running, or what the stopped replicas share', () => {
    assert.deepEqual([statusOf([]).state, statusOf([]).text], ['notCreated', 'not created']);
    assert.equal(statusOf([c()]).text, 'running');
    assert.equal(statusOf([c(), c()]).text, 'running 2/2');
    const partial = statusOf([c(), c({ state: 'exited', exitCode: 0 })]);
    assert.deepEqual([partial.state, partial.text, partial.running], ['partial', 'running 1/2', 1]);
    assert.equal(statusOf([c({ state: 'exited', exitCode: 137 })]).text, 'exited (137)');
    assert.equal(
      statusOf([c({ state: 'exited', exitCode: 1 }), c({ state: 'exited', exitCode: 2 })]).text,
      'exited 2',
      'different codes: none shown',
    );
    assert.equal(
      statusOf([c({ state: 'exited' }), c({ state: 'restarting' })]).state,
      'restarting',
      'the most telling state',
    );
    assert.equal(statusOf([c({ health: 'unhealthy' })]).text, 'running, unhealthy');
  });

  it('replicas are matched by project and service labels, ordered by container number; one-off runs are left out', () => {
    const list = [
      c({ name: 'p-web-2', labels: compose('p', 'web', { 'com.docker.compose.container-number': '2' }) }),
      c({ name: 'p-web-1', labels: compose('p', 'web', { 'com.docker.compose.container-number': '1' }) }),
      c({ name: 'p-web-run-x', labels: compose('p', 'web', { 'com.docker.compose.oneoff': 'True' }) }),
      c({ name: 'q-web-1', labels: compose('q', 'web') }),
      c({ name: 'p-db-1', labels: compose('p', 'db') }),
    ];
    const m = composeServiceContainers({ name: 'p' }, list);
    assert.deepEqual([...m.keys()].sort(), ['db', 'web']);
    assert.deepEqual(
      statusOf(m.get('web')!).containers.map((x) => x.name),
      ['p-web-1', 'p-web-2'],
    );
  });

  it("a dev container config's container: by its config file label, else by its folder", () => {
    const cfg = { path: '/ws/.devcontainer/devcontainer.json' };
    const mine = c({
      labels: { 'devcontainer.config_file': '/ws/.devcontainer/devcontainer.json', 'devcontainer.local_folder': '/ws' },
    });
    const other = c({
      labels: {
        'devcontainer.config_file': '/ws/.devcontainer/other/devcontainer.json',
        'devcontainer.local_folder': '/ws',
      },
    });
    const legacy = c({ labels: { 'devcontainer.local_folder': '/ws' } });
    assert.deepEqual(devcontainerContainers(cfg, '/ws', [mine, other, legacy, c()], 'linux'), [mine, legacy]);
  });
});

describe('Containers view arrangement', () => {
  const folders = ['/ws'];
  const list = [
    c({ name: 'zeta', labels: {} }),
    c({ name: 'alpha', labels: {} }),
    c({ name: 'mine', labels: { 'dev.containerworkspaces.workspace': '/ws' } }),
    c({ name: 'other-b-1', labels: compose('other', 'b') }),
    c({ name: 'other-a-1', labels: compose('other', 'a'), state: 'exited' }),
    c({ name: 'ws-web-1', labels: compose('ws', 'web', { 'com.docker.compose.project.working_dir': '/ws' }) }),
  ];

  it("the workspace's groups, then its loose containers, then other groups, then the rest; by name, not state", () => {
    const a = arrange(list, folders);
    const top = a.top.map((t) => ('group' in t ? `group:${t.group.key}` : t.container.name));
    assert.deepEqual(top, ['group:ws', 'mine', 'group:other', 'alpha', 'zeta']);
    assert.deepEqual(
      a.groups.get('other')!.containers.map((x) => x.name),
      ['other-a-1', 'other-b-1'],
    );
    assert.equal(a.groups.get('ws')!.workspace, '/ws');
    assert.deepEqual([...a.workspaces.values()], ['/ws', '/ws']);
  });

  it('the filter matches name, image, project, service, state and short id', () => {
    assert.ok(matchesFilter(list[3], 'OTHER'));
    assert.ok(matchesFilter(list[4], 'exited'));
    assert.ok(matchesFilter(list[0], 'busy'));
    assert.ok(!matchesFilter(list[0], 'nginx'));
    assert.deepEqual(arrange(list, folders, 'other').top.length, 1);
  });

  it('a changed status text alone ("Up 5 minutes") is not a change to repaint; a state, health or exit code is', () => {
    const x = c({ status: 'Up 1 second' });
    assert.ok(sameShown(x, { ...x, status: 'Up 5 minutes' }));
    assert.ok(!sameShown(x, { ...x, state: 'exited' }));
    assert.ok(!sameShown(x, { ...x, health: 'unhealthy' }));
    assert.ok(!sameShown({ ...x, state: 'exited', exitCode: 0 }, { ...x, state: 'exited', exitCode: 1 }));
    assert.ok(!sameShown(x, { ...x, ports: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }] }));
  });
});

describe('engine list entries', () => {
  it('exit code from the status text; mounts and network names from the list', () => {
    assert.equal(exitCodeFromStatus('Exited (137) 5 minutes ago'), 137);
    assert.equal(exitCodeFromStatus('Up 5 minutes'), undefined);
    const s = toSummary({
      Id: 'abc',
      Names: ['/web'],
      Image: 'nginx',
      ImageID: '',
      Command: '',
      Created: 1,
      State: 'exited',
      Status: 'Exited (3) 2 hours ago',
      Ports: [],
      Labels: {},
      HostConfig: { NetworkMode: 'bridge' },
      NetworkSettings: { Networks: { bridge: {} as never, backend: {} as never } },
      Mounts: [
        {
          Type: 'volume',
          Name: 'data',
          Source: '/var/lib/docker/volumes/data/_data',
          Destination: '/data',
          Driver: 'local',
          Mode: '',
          RW: true,
          Propagation: '',
        },
        { Type: 'bind', Source: '/home/me/src', Destination: '/src', Mode: 'ro', RW: false, Propagation: 'rprivate' },
      ],
    });
    assert.equal(s.exitCode, 3);
    assert.deepEqual(s.networkNames, ['bridge', 'backend']);
    assert.deepEqual(s.mounts, [
      { type: 'volume', source: 'data', destination: '/data', readOnly: false },
      { type: 'bind', source: '/home/me/src', destination: '/src', readOnly: true },
    ]);
  });
});

describe('reconnect back-off', () => {
  it('doubles from the first delay up to the cap, with ±20 % jitter, and starts again after a success', () => {
    const mid = new Backoff(500, 4_000, () => 0.5);
    assert.deepEqual([mid.next(), mid.next(), mid.next(), mid.next(), mid.next()], [500, 1000, 2000, 4000, 4000]);
    mid.reset();
    assert.equal(mid.next(), 500);
    const low = new Backoff(500, 4_000, () => 0);
    const high = new Backoff(500, 4_000, () => 1);
    assert.equal(low.next(), 400);
    assert.equal(high.next(), 600);
  });
});

// In the real extension host against the real engines: activation, the status bar state, and the
// Containers view following the engine by itself — no refresh anywhere in these tests.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
// Types only: the extension runs from its bundle, so its classes are not these modules' (no instanceof).
import type { ContainerNode, ContainersNode, GroupNode } from '../../../src/vscode/views/containers/containersTree';

const isGroup = (n: ContainersNode): n is GroupNode => n.kind === 'group';
const isContainer = (n: ContainersNode): n is ContainerNode => n.kind === 'container';
import {
  TEST_IMAGE,
  TEST_LABEL,
  engineCli,
  removeTestContainers,
  requireEngine,
  uniqueName,
  runTestContainer,
} from '../../support/engines';
import { EXTENSION_ID, extensionInternals, setSetting, waitFor } from './helpers';

describe('Container Workspaces in VS Code', function () {
  this.timeout(90_000);
  let ext: ExtensionInternals;

  before(async () => {
    ext = await extensionInternals();
  });

  it('is active once the workspace with container files opens', () => {
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.ok(vscode.workspace.workspaceFolders?.some((f) => f.name === 'sample'));
  });

  it('contributes the Containers and Services views and their commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'refresh',
      'selectRuntime',
      'showRuntimeHelp',
      'startContainer',
      'stopContainer',
      'removeContainer',
      'composeUp',
      'composeDown',
    ]) {
      assert.ok(commands.includes(`containerWorkspaces.${id}`), id);
    }
    await vscode.commands.executeCommand('containerWorkspaces.containers.focus');
    await waitFor('the view to be visible', () => ext.containersView.visible || undefined);
  });

  describe('against the real Docker engine', () => {
    const rowOf = (id: string) => ext.containers.containers.find((c) => c.id.startsWith(id) || id.startsWith(c.id));
    /** The node objects the tree handed to VS Code, top level and inside groups. */
    const nodes = async () => {
      const top = await ext.containers.getChildren();
      const inner = await Promise.all(top.filter(isGroup).map((g) => ext.containers.getChildren(g)));
      return [...top, ...inner.flat()];
    };
    const nodeOf = async (id: string) =>
      (await nodes()).find((n): n is ContainerNode => isContainer(n) && n.container.id.startsWith(id));

    before(async function () {
      requireEngine(this, 'docker');
      await vscode.commands.executeCommand('containerWorkspaces.containers.focus');
      await waitFor('runtime check', () => ext.session.state !== 'checking' || undefined);
    });
    after(async () => {
      await removeTestContainers('docker');
    });

    it("the session is connected to Docker with the engine's version", async () => {
      assert.equal(ext.session.state, 'ready', ext.session.error?.message);
      assert.equal(ext.session.runtimeId, 'docker');
      assert.equal(
        ext.session.info?.version,
        await engineCli('docker', ['version', '--format', '{{.Server.Version}}']),
      );
    });

    it('a container started on the engine appears without a refresh; stopping it repaints only its row', async () => {
      await waitFor('the store to be live', () => (ext.live.store.active && ext.live.store.loaded) || undefined);
      const name = uniqueName('cws-exthost');
      const id = await runTestContainer('docker', name, ['sleep', '300']);
      await waitFor(`${name} running in the view`, () => (rowOf(id)?.state === 'running' ? true : undefined));
      let node = await waitFor('its node', () => nodeOf(id));
      let item = ext.containers.getTreeItem(node);
      assert.equal(item.label, name);
      assert.equal(item.description, TEST_IMAGE);
      assert.match(String(item.contextValue), /^container\.running\.canPause\.canRestart$/);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'vm-running');

      const fired: (ContainersNode | ContainersNode[] | undefined)[] = [];
      const sub = ext.containers.onDidChangeTreeData((e) => fired.push(e));
      try {
        await engineCli('docker', ['stop', '-t', '0', id]);
        await waitFor('exited', () => (rowOf(id)?.state === 'exited' ? true : undefined));
        node = (await nodeOf(id))!;
        item = ext.containers.getTreeItem(node);
        assert.equal((item.iconPath as vscode.ThemeIcon).id, 'vm-outline');
        assert.equal(item.description, `exited (137) · ${TEST_IMAGE}`);
        assert.ok(fired.length > 0, 'a change was announced');
        for (const e of fired) {
          assert.ok(Array.isArray(e), 'not a whole-tree refresh');
          assert.deepEqual(
            e.map((n) => (isContainer(n) ? n.container.id : n.key)),
            [node.container.id],
          );
        }
      } finally {
        sub.dispose();
      }
    });

    it('lifecycle commands act on the node they are given, and the view follows', async () => {
      const name = uniqueName('cws-exthost-cmd');
      const id = await engineCli('docker', [
        'create',
        '--name',
        name,
        '--label',
        `${TEST_LABEL}=${process.pid}`,
        TEST_IMAGE,
        'sleep',
        '300',
      ]);
      const node = await waitFor('its node', () => nodeOf(id));
      const state = () => rowOf(id)?.state;
      await vscode.commands.executeCommand('containerWorkspaces.startContainer', node);
      await waitFor('running', () => state() === 'running' || undefined);
      await vscode.commands.executeCommand('containerWorkspaces.pauseContainer', node);
      await waitFor('paused', () => state() === 'paused' || undefined);
      assert.equal(await engineCli('docker', ['inspect', '-f', '{{.State.Status}}', id]), 'paused');
      await vscode.commands.executeCommand('containerWorkspaces.unpauseContainer', node);
      await waitFor('running again', () => state() === 'running' || undefined);
      const started = await engineCli('docker', ['inspect', '-f', '{{.State.StartedAt}}', id]);
      await vscode.commands.executeCommand('containerWorkspaces.restartContainer', node);
      await waitFor(
        'restarted',
        async () => (await engineCli('docker', ['inspect', '-f', '{{.State.StartedAt}}', id])) !== started || undefined,
      );
      await vscode.commands.executeCommand('containerWorkspaces.copyContainerId', node);
      assert.equal(await vscode.env.clipboard.readText(), rowOf(id)!.id);
      await vscode.commands.executeCommand('containerWorkspaces.inspectContainer', node);
      const doc = await waitFor('the inspect document', () =>
        vscode.window.activeTextEditor?.document.uri.scheme === 'cws-inspect'
          ? vscode.window.activeTextEditor.document
          : undefined,
      );
      const json = JSON.parse(doc.getText()) as { Id: string; Name: string };
      assert.equal(json.Id, rowOf(id)!.id);
      assert.equal(json.Name, `/${name}`);
      assert.equal(doc.languageId, 'json');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.commands.executeCommand('containerWorkspaces.stopContainer', node);
      await waitFor('stopped', () => state() === 'exited' || undefined);
    });

    it('a command on a multi-selection acts on every selected container it applies to', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        ids.push(await runTestContainer('docker', uniqueName(`cws-exthost-multi${i}`), ['sleep', '300']));
      }
      const selected = await Promise.all(
        ids.map((id) =>
          waitFor('its node', async () => {
            const n = await nodeOf(id);
            return n && rowOf(id)?.state === 'running' ? n : undefined;
          }),
        ),
      );
      // VS Code passes the clicked node and the whole selection.
      await vscode.commands.executeCommand('containerWorkspaces.stopContainer', selected[0], selected);
      for (const id of ids) await waitFor('stopped', () => (rowOf(id)?.state === 'exited' ? true : undefined), 20_000);
      await vscode.commands.executeCommand('containerWorkspaces.copyContainerName', selected[1], selected);
      assert.equal(await vscode.env.clipboard.readText(), selected.map((n) => n.container.name).join('\n'));
    });

    it("groups Compose projects, puts the workspace's own containers first and marks them; the badge counts running ones", async () => {
      const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
      const project = `cws-exthost-group-${process.pid}`;
      const label = ['--label', `${TEST_LABEL}=${process.pid}`];
      const ws = await engineCli('docker', [
        'run',
        '-d',
        ...label,
        '--label',
        `dev.containerworkspaces.workspace=${folder}`,
        '--name',
        uniqueName('aaa-ws'),
        TEST_IMAGE,
        'sleep',
        '300',
      ]);
      for (const svc of ['web', 'db']) {
        await engineCli('docker', [
          'run',
          '-d',
          ...label,
          '--name',
          `${project}-${svc}-1`,
          '--label',
          `com.docker.compose.project=${project}`,
          '--label',
          `com.docker.compose.service=${svc}`,
          TEST_IMAGE,
          'sleep',
          '300',
        ]);
      }
      const group = await waitFor('the group with both running', async () =>
        (await ext.containers.getChildren()).find(
          (n): n is GroupNode =>
            isGroup(n) && n.key === project && ext.containers.getTreeItem(n).description === '2/2 running',
        ),
      );
      const top = await ext.containers.getChildren();
      assert.deepEqual(
        (await ext.containers.getChildren(group)).map((n) => (n as ContainerNode).container.name),
        [`${project}-db-1`, `${project}-web-1`],
      );
      const first = top[0] as ContainerNode;
      assert.ok(isContainer(first) && first.container.id.startsWith(ws), 'the workspace container comes first');
      const item = ext.containers.getTreeItem(first);
      assert.equal(item.resourceUri?.scheme, 'cws-workspace', "marked as the workspace's");
      const running = ext.live.store.containers.filter((c) => c.state === 'running').length;
      await waitFor('the badge', () => (ext.containersView.badge?.value === running ? true : undefined));
      assert.equal(ext.containersView.badge?.tooltip, `${running} running container${running === 1 ? '' : 's'}`);
    });

    it('filters as asked, and says so when nothing matches', async () => {
      ext.containers.setFilter('cws-exthost-group');
      assert.ok(ext.containers.containers.length >= 2);
      assert.ok(ext.containers.containers.every((c) => c.name.includes('cws-exthost-group')));
      ext.containers.setFilter('no-such-container-anywhere');
      await waitFor('the message', () => ext.containersView.message?.includes('No containers match') || undefined);
      assert.equal(ext.containersView.message, 'No containers match “no-such-container-anywhere”.');
      ext.containers.setFilter('');
      await waitFor('no message', () => (ext.containersView.message === undefined ? true : undefined));
    });
  });

  describe('switching runtime without a reload', () => {
    before(function () {
      requireEngine(this, 'podman');
    });
    after(async () => {
      await setSetting('runtime', undefined);
      await waitFor('back to auto', () => ext.session.state !== 'checking' || undefined);
      await removeTestContainers('podman');
    });

    it("setting the runtime to Podman replaces the view's containers with Podman's", async () => {
      const name = uniqueName('cws-exthost-podman');
      const id = await engineCli('podman', [
        'create',
        '--name',
        name,
        '--label',
        `${TEST_LABEL}=${process.pid}`,
        TEST_IMAGE,
        'sleep',
        '300',
      ]);
      await vscode.commands.executeCommand('containerWorkspaces.containers.focus');
      await setSetting('runtime', 'podman');
      await waitFor(
        'Podman ready',
        () => (ext.session.runtimeId === 'podman' && ext.session.state === 'ready') || undefined,
      );
      assert.match(ext.session.info?.name ?? '', /Podman/);
      await waitFor("Podman's container in the view", () =>
        ext.containers.containers.find((c) => c.id === id && c.name === name),
      );
      assert.equal(ext.live.store.runtime?.id, 'podman');
      const dockerIds = (await engineCli('docker', ['ps', '-aq', '--no-trunc'])).split('\n').filter(Boolean);
      assert.ok(
        !ext.containers.containers.some((c) => dockerIds.includes(c.id)),
        'no Docker container is left in the view',
      );
    });
  });

  describe('with no engine reachable', () => {
    after(async () => {
      await setSetting('docker.host', undefined);
      await setSetting('runtime', undefined);
    });

    it('the state is "unreachable" with a hint, and the view is empty so its welcome text shows', async () => {
      await setSetting('runtime', 'docker');
      await setSetting('docker.host', 'unix:///tmp/cws-no-engine.sock');
      await waitFor('unreachable', () => ext.session.state === 'unreachable' || undefined);
      assert.equal(ext.session.error?.code, 'unavailable');
      assert.match(ext.session.error?.message ?? '', /Docker is not running \(unix:\/\/\/tmp\/cws-no-engine\.sock\)/);
      assert.ok(ext.session.hint());
      assert.deepEqual(await ext.containers.getChildren(), []);
    });

    it('recovers when the setting points back at a running engine', async function () {
      requireEngine(this, 'docker');
      await setSetting('docker.host', undefined);
      await waitFor('ready again', () => ext.session.state === 'ready' || undefined);
    });
  });
});

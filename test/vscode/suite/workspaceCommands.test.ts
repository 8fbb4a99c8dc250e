// Shell, run-command, task and logs in the real extension host against the real dockerd: what runs
// in the container is checked in the container, exit codes as reported.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import type { ContainerNode } from '../../../src/vscode/views/containers/containersTree';
import { engineCli, removeTestContainers, requireEngine, uniqueName, runTestContainer } from '../../support/engines';
import { extensionInternals, waitFor } from './helpers';

describe('workspace commands', function () {
  this.timeout(90_000);
  let ext: ExtensionInternals;
  let id: string;
  let node: ContainerNode;
  const name = uniqueName('cws-exthost-ws');
  const openStreams = () => (ext.session.runtime as unknown as { openStreams: number }).openStreams;

  before(async function () {
    requireEngine(this, 'docker');
    ext = await extensionInternals();
    await vscode.commands.executeCommand('containerWorkspaces.containers.focus');
    await waitFor(
      'Docker ready',
      () => (ext.session.runtimeId === 'docker' && ext.session.state === 'ready') || undefined,
    );
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    id = await runTestContainer(
      'docker',
      name,
      ['sh', '-c', 'mkdir -p "/work space"; i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.3; done'],
      {
        flags: [
          '--label',
          `dev.containerworkspaces.workspace=${folder}`,
          '--label',
          'dev.containerworkspaces.workspace.target=/work space',
          '-w',
          '/',
        ],
      },
    );
    node = await waitFor('its node', async () =>
      (await ext.containers.getChildren()).find(
        (n): n is ContainerNode =>
          n.kind === 'container' && id.startsWith(n.container.id) && n.container.state === 'running',
      ),
    );
  });
  after(async () => {
    for (const t of vscode.window.terminals) t.dispose();
    await removeTestContainers('docker');
  });

  it('Open Shell: a terminal whose shell runs in the container, in the workspace folder', async () => {
    const t = await vscode.commands.executeCommand<vscode.Terminal>('containerWorkspaces.openShell', node);
    assert.equal(t.name, `Shell: ${name}`);
    await new Promise((r) => setTimeout(r, 1_000));
    t.sendText('pwd > /tmp/where; echo "$0" > /tmp/shell');
    await waitFor(
      'the command ran in the container',
      async () =>
        (await engineCli('docker', ['exec', id, 'cat', '/tmp/where']).catch(() => '')) === '/work space' || undefined,
    );
    t.dispose();
  });

  it('Run Command: runs the line in the workspace container and reports its exit code', async () => {
    const code = await vscode.commands.executeCommand<number>(
      'containerWorkspaces.runInContainer',
      node,
      'echo "$PWD" > /tmp/ran; exit 3',
    );
    assert.equal(code, 3);
    assert.equal(await engineCli('docker', ['exec', id, 'cat', '/tmp/ran']), '/work space');
    assert.equal(await vscode.commands.executeCommand<number>('containerWorkspaces.runInContainer', node, 'true'), 0);
  });

  it("a container-workspaces task runs in the workspace container; its exit code is the task's", async () => {
    const folder = vscode.workspace.workspaceFolders![0];
    const done = (task: string) =>
      new Promise<number>((resolve) => {
        const sub = ext.tasks.onDidFinish((e) => {
          if (e.task === task) {
            sub.dispose();
            resolve(e.exitCode);
          }
        });
      });
    const shell = ext.tasks.make(folder, 'cws shell task', {
      type: 'container-workspaces',
      command: 'echo task > /tmp/task; exit 4',
    });
    const ended = done('cws shell task');
    await vscode.tasks.executeTask(shell);
    assert.equal(await ended, 4);
    assert.equal(await engineCli('docker', ['exec', id, 'cat', '/tmp/task']), 'task');
    // With args: no shell; `$(…)` and quotes arrive as they are.
    const argv = ext.tasks.make(folder, 'cws argv task', {
      type: 'container-workspaces',
      command: 'sh',
      args: ['-c', 'printf %s "$1" > /tmp/argv', 'sh', 'a "b" $(touch /tmp/pwned) ü'],
    });
    const ended2 = done('cws argv task');
    await vscode.tasks.executeTask(argv);
    assert.equal(await ended2, 0);
    assert.equal(await engineCli('docker', ['exec', id, 'cat', '/tmp/argv']), 'a "b" $(touch /tmp/pwned) ü');
    await assert.rejects(engineCli('docker', ['exec', id, 'ls', '/tmp/pwned']), 'nothing was interpreted');
  });

  it("Follow Logs: a terminal streams the container's logs; closing it closes the stream", async () => {
    const before = openStreams();
    const t = await vscode.commands.executeCommand<vscode.Terminal>('containerWorkspaces.followLogs', node);
    assert.equal(t.name, `Logs: ${name}`);
    await waitFor('the log stream', () => (openStreams() > before ? true : undefined));
    t.dispose();
    await waitFor('the log stream closed', () => (openStreams() === before ? true : undefined), 5_000);
  });
});

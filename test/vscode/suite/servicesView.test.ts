// The Services view in the real extension host: the sample workspace's Compose services, matched to
// the real dockerd's containers by labels, going from "not created" to running after Compose Up.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import type {
  ProjectNode,
  ReplicaNode,
  ServiceNode,
  ServicesNode,
} from '../../../src/vscode/views/services/servicesTree';
import { requireEngine } from '../../support/engines';
import { extensionInternals, waitFor } from './helpers';

const run = promisify(execFile);
const PROJECT = 'cws-sample';

/** The sample project's containers, whatever made them. */
async function downSample(): Promise<void> {
  const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`]);
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length) await run('docker', ['rm', '-f', ...ids]);
}

describe('Services view', function () {
  this.timeout(120_000);
  let ext: ExtensionInternals;
  const describeOf = (n: ServicesNode) => ext.services.getTreeItem(n).description;
  let project: ProjectNode;
  const service = async (name: string) =>
    (await ext.services.getChildren(project)).find(
      (n): n is ServiceNode => n.kind === 'service' && n.service.name === name,
    )!;

  before(async function () {
    requireEngine(this, 'docker');
    ext = await extensionInternals();
    await downSample();
    await ext.workspaceContext.ready;
    await vscode.commands.executeCommand('containerWorkspaces.services.focus');
    await waitFor(
      'Docker ready',
      () => (ext.session.runtimeId === 'docker' && ext.session.state === 'ready') || undefined,
    );
    await waitFor('the store to be live', () => (ext.live.store.active && ext.live.store.loaded) || undefined);
    project = await waitFor('the project', async () =>
      (await ext.services.getChildren()).find(
        (n): n is ProjectNode => n.kind === 'project' && n.project.name === PROJECT,
      ),
    );
  });
  after(async () => {
    await downSample().catch(() => undefined);
  });

  it("lists the sample's services as not created", async () => {
    assert.deepEqual(
      (await ext.services.getChildren(project)).map((n) => (n as ServiceNode).service.name),
      ['app', 'worker'],
    );
    assert.equal(describeOf(await service('worker')), 'not created');
    assert.equal(describeOf(await service('app')), 'not created');
    assert.equal(describeOf(project), 'not created');
    assert.match(
      String(ext.services.getTreeItem(await service('worker')).contextValue),
      /^composeService\.notCreated\.compose$/,
    );
  });

  it('Compose Up on a service runs the compose tool, and the service shows running by itself', async () => {
    const worker = await service('worker');
    const code = await vscode.commands.executeCommand<number | undefined>('containerWorkspaces.composeUp', worker);
    assert.equal(code, 0, 'exit code of compose up');
    await waitFor('worker running', async () => (describeOf(await service('worker')) === 'running' ? true : undefined));
    assert.equal(describeOf(await service('app')), 'not created');
    assert.equal(describeOf(project), 'running 1/2');
    assert.match(
      String(ext.services.getTreeItem(await service('worker')).contextValue),
      /^composeService\.running\.compose$/,
    );
  });

  it('Compose Logs opens a terminal running the compose tool with an argument array', async () => {
    const worker = await service('worker');
    await vscode.commands.executeCommand('containerWorkspaces.composeLogs', worker);
    const t = await waitFor('the logs terminal', () =>
      vscode.window.terminals.find((x) => x.name === 'Logs: cws-sample › worker'),
    );
    const o = t.creationOptions as vscode.TerminalOptions;
    assert.match(String(o.shellPath), /docker-compose$|docker$/);
    const args = o.shellArgs as string[];
    assert.deepEqual(args.slice(args.indexOf('-p'), args.indexOf('-p') + 2), ['-p', PROJECT]);
    assert.deepEqual(args.slice(-4), ['logs', '-f', '--tail=200', 'worker']);
    t.dispose();
  });

  it('Open Shell on a service opens a shell in its container', async () => {
    const worker = await service('worker');
    const t = await vscode.commands.executeCommand<vscode.Terminal>('containerWorkspaces.openShell', worker);
    assert.match(t.name, /^Shell: cws-sample[-_]worker[-_]1$/);
    t.dispose();
  });

  it('a scaled service shows its replicas', async () => {
    await run('docker-compose', ['-p', PROJECT, 'up', '-d', '--scale', 'worker=2', 'worker'], {
      cwd: project.project.workingDir,
    });
    await waitFor('two replicas', async () =>
      describeOf(await service('worker')) === 'running 2/2' ? true : undefined,
    );
    const replicas = (await ext.services.getChildren(await service('worker'))) as ReplicaNode[];
    // docker-compose v1 joins with "_", v2 with "-".
    assert.deepEqual(replicas.map((r) => r.container.name.replace(/_/g, '-')).sort(), [
      `${PROJECT}-worker-1`,
      `${PROJECT}-worker-2`,
    ]);
    assert.equal(replicas.length, 2);
    assert.ok(replicas.every((r) => r.container.state === 'running'));
    assert.equal(
      ext.services.getTreeItem(await service('worker')).collapsibleState,
      vscode.TreeItemCollapsibleState.Collapsed,
    );
  });

  it('Compose Stop on the project stops its containers, and the view follows', async () => {
    const code = await vscode.commands.executeCommand<number | undefined>('containerWorkspaces.composeStop', project);
    assert.equal(code, 0);
    await waitFor(
      'worker stopped',
      async () => (/^exited/.test(String(describeOf(await service('worker')))) ? true : undefined),
      30_000,
    );
    assert.equal(describeOf(project), 'running 0/2');
  });
});

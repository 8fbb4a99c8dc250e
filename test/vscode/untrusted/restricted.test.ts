// Restricted Mode, in the real extension host of a workbench whose folder is not trusted (opened by
// test/vscode/runUntrusted.ts, which made the folder hostile: its settings choose the Apple runtime
// with a CLI of its own, bogus engine addresses; its dev container, tasks and that CLI would touch
// $CWS_UNTRUSTED_MARKER if anything of it ran). Viewing works; everything that would run what the
// folder chose is refused with a warning that offers to manage trust; nothing ran.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { extensionInternals, waitFor } from '../suite/helpers';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import type { ProjectNode } from '../../../src/vscode/views/services/servicesTree';

const folder = process.env.CWS_UNTRUSTED_FOLDER ?? '';
const marker = process.env.CWS_UNTRUSTED_MARKER ?? '';

describe('Restricted Mode (an untrusted folder)', function () {
  this.timeout(60_000);
  let ext: ExtensionInternals;
  /** Warnings the extension showed (the window's showWarningMessage, shared with this extension's API object). */
  const warnings: { message: string; actions: string[] }[] = [];
  const original = vscode.window.showWarningMessage;

  before(async () => {
    assert.ok(folder && marker, 'runUntrusted.ts passes the folder and the marker');
    assert.equal(vscode.workspace.isTrusted, false, 'the folder is not trusted (else this suite proves nothing)');
    // Recorded and answered "dismissed", so no notification waits on a click.
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = (message: string, ...rest: unknown[]) => {
      const actions = rest.filter((r): r is { title: string } => typeof r === 'object' && r !== null && 'title' in r);
      warnings.push({ message, actions: actions.map((a) => a.title) });
      return Promise.resolve(undefined);
    };
    ext = await extensionInternals();
  });

  after(() => {
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = original;
  });

  afterEach(() => {
    assert.ok(!existsSync(marker), 'nothing from the untrusted folder ran');
  });

  /** Runs the command; it must resolve to nothing and warn once, with the trust button. */
  async function refused(command: string, ...args: unknown[]): Promise<string> {
    const before = warnings.length;
    const result = await vscode.commands.executeCommand(command, ...args);
    assert.equal(result, undefined, `${command} did nothing`);
    // Other warnings may come meanwhile (the runtime's own): the one about trust is this command's.
    const w = await waitFor(`${command}'s warning about trust`, () =>
      warnings.slice(before).find((x) => /trust the folder/i.test(x.message)),
    );
    assert.deepEqual(w.actions, ['Manage Workspace Trust'], w.message);
    return w.message;
  }

  it("the folder's settings cannot choose the runtime, an engine address or the Apple CLI", async () => {
    const c = vscode.workspace.getConfiguration('containerWorkspaces');
    // What the folder's .vscode/settings.json says (runUntrusted.ts wrote it): none of it is in effect.
    const folderSays: Record<string, string> = {
      runtime: 'apple',
      'apple.cliPath': `${folder}/evil-container`,
      'docker.host': 'tcp://untrusted.invalid:2375',
      'podman.host': 'tcp://untrusted.invalid:2375',
    };
    for (const [key, value] of Object.entries(folderSays))
      assert.notEqual(c.get(key), value, `${key} is not the folder's`);
    await waitFor('a runtime decision', () => (ext.session.state !== 'checking' ? true : undefined), 30_000);
    assert.notEqual(ext.session.runtimeId, 'apple', 'the folder did not switch the runtime to its own CLI');
  });

  it('viewing works: the folder is detected (Compose project, dev container)', async () => {
    await ext.workspaceContext.ready;
    const ws = vscode.workspace.workspaceFolders?.[0];
    assert.ok(ws);
    const ctx = await waitFor('detection', () => ext.workspaceContext.get(ws));
    assert.equal(ctx.composeProjects.length, 1);
    assert.equal(ctx.devcontainers.length, 1);
  });

  it('Create Workspace Container is refused, before any question', async () => {
    const message = await refused('containerWorkspaces.createWorkspaceContainer', {
      folder,
      source: 'devcontainer',
    });
    assert.match(message, /Creating the container runs what this folder's files say/);
  });

  it('Create Workspace Container from Repository is refused, before the address is asked', async () => {
    const inputs = vscode.window.showInputBox;
    let asked = 0;
    (vscode.window as { showInputBox: unknown }).showInputBox = () => {
      asked++;
      return Promise.resolve(undefined);
    };
    try {
      const message = await refused('containerWorkspaces.createWorkspaceContainerFromRepository');
      assert.match(message, /Creating a container from a repository runs what its files say/);
    } finally {
      (vscode.window as { showInputBox: unknown }).showInputBox = inputs;
    }
    assert.equal(asked, 0, 'no address was asked');
  });

  it('Compose verbs are refused (Up, Down, Logs)', async () => {
    const project = await waitFor('the project in the Services view', async () =>
      (await ext.services.getChildren()).find((n): n is ProjectNode => n.kind === 'project'),
    );
    for (const verb of ['composeUp', 'composeDown', 'composeLogs'])
      assert.match(
        await refused(`containerWorkspaces.${verb}`, project),
        /Compose runs what this folder's Compose files say/,
      );
  });

  it('Run Command is refused, with the line given', async () => {
    assert.match(
      await refused('containerWorkspaces.runInContainer', undefined, `touch '${marker}'`),
      /Running a command runs this folder's scripts/,
    );
  });

  it('Start Tunnel is refused', async () => {
    assert.match(await refused('containerWorkspaces.startTunnel'), /tunnel/i);
  });
});

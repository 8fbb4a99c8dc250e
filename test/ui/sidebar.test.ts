// What a person sees: the Containers view and the status bar, in the real workbench.
import * as assert from 'node:assert/strict';
import { TEST_IMAGE, TEST_LABEL, engineCli, removeTestContainers, requireEngine, uniqueName } from '../support/engines';
import { openContainersView, openWorkbench, requireBrowser, runtimeStatusItem, type Workbench } from './workbench';

describe('UI: sidebar and status bar with Docker running', function () {
  this.timeout(120_000);
  let wb: Workbench | undefined;
  const name = uniqueName('cws-ui');
  let version = '';

  before(async function () {
    requireBrowser(this);
    requireEngine(this, 'docker');
    await engineCli('docker', [
      'run',
      '-d',
      '--name',
      name,
      '--label',
      `${TEST_LABEL}=${process.pid}`,
      TEST_IMAGE,
      'sleep',
      '600',
    ]);
    version = await engineCli('docker', ['version', '--format', '{{.Server.Version}}']);
    wb = await openWorkbench({ env: { CONTAINER_RUNTIME: 'docker' } });
  });
  after(async () => {
    await wb?.close();
    await removeTestContainers('docker').catch(() => undefined);
  });

  it('the status bar shows Docker and its version', async () => {
    const short = version.split('.').slice(0, 2).join('.');
    const item = runtimeStatusItem(wb!.page);
    await item.filter({ hasText: `Docker ${short}` }).waitFor({ timeout: 30_000 });
    assert.equal((await item.innerText()).trim(), `Docker ${short}`);
  });

  it('the Containers view lists the running test container with its image', async () => {
    const pane = await openContainersView(wb!.page);
    const row = pane.locator(`.monaco-list-row[aria-label="${name}, ${TEST_IMAGE}, running"]`);
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.locator('.label-name').innerText(), name);
    assert.equal(await row.locator('.label-description').innerText(), TEST_IMAGE);
    await wb!.screenshot('containers-view-docker');
  });
});

describe('UI: no engine reachable', function () {
  this.timeout(120_000);
  let wb: Workbench | undefined;

  before(async function () {
    requireBrowser(this);
    wb = await openWorkbench({ env: { CONTAINER_RUNTIME: 'docker', DOCKER_HOST: 'unix:///tmp/cws-no-engine.sock' } });
  });
  after(async () => {
    await wb?.close();
  });

  it('the status bar says Docker is not running, with a warning look', async () => {
    const item = runtimeStatusItem(wb!.page);
    await item.filter({ hasText: 'Docker: not running' }).waitFor({ timeout: 30_000 });
    assert.match((await item.getAttribute('class')) ?? '', /warning-kind/);
  });

  it('the view shows what to do instead of an empty tree, and no error pop-ups', async () => {
    const pane = await openContainersView(wb!.page);
    const welcome = pane.locator('.welcome-view-content');
    await welcome.waitFor({ timeout: 30_000 });
    await wb!.screenshot('containers-view-no-engine');
    const text = await welcome.innerText();
    assert.match(text, /Docker is not running/);
    assert.ok(await welcome.getByRole('button', { name: 'Retry' }).isVisible(), 'Retry button');
    for (const link of ['How to start it', 'Switch runtime']) {
      assert.ok(await welcome.locator('a', { hasText: link }).isVisible(), `${link} link`);
    }
    assert.equal(
      await wb!.page.locator('.notifications-toasts .notification-toast').count(),
      0,
      'no notification toasts',
    );
  });
});

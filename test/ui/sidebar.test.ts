// What a person sees: the Containers view and the status bar, in the real workbench.
import * as assert from 'node:assert/strict';
import {
  TEST_IMAGE,
  engineCli,
  removeTestContainers,
  requireEngine,
  uniqueName,
  runTestContainer,
} from '../support/engines';
import { openContainersView, openWorkbench, requireBrowser, runtimeStatusItem, type Workbench } from './workbench';

describe('UI: sidebar and status bar with Docker running', function () {
  this.timeout(120_000);
  let wb: Workbench | undefined;
  const name = uniqueName('cws-ui');
  let version = '';

  before(async function () {
    requireBrowser(this);
    requireEngine(this, 'docker');
    await runTestContainer('docker', name, ['sleep', '600']);
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

  it('a command that needs the engine says why and how to start it, with Retry, Switch Runtime and Show Log', async () => {
    const page = wb!.page;
    await page.keyboard.press('F1');
    await page.keyboard.type('Containers: Start Container');
    // Clicked, not Enter: "How to Start the Container Runtime" may be the first row.
    await page
      .locator('.quick-input-widget .monaco-list-row', { hasText: /Containers: Start Container/ })
      .first()
      .click();
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Docker is not running' });
    await toast.waitFor({ timeout: 30_000 });
    // The message and the hint in one notification.
    assert.match(await toast.locator('.notification-list-item-message').innerText(), /Start the Docker daemon/);
    const buttons = await toast.locator('.notification-list-item-buttons-container a.monaco-button').allInnerTexts();
    assert.deepEqual(
      buttons.map((b) => b.trim()),
      ['Retry', 'Switch Runtime', 'Show Log'],
    );
    // The toast slides in from below the window: the picture once it has come to rest.
    const showLog = toast.locator('a.monaco-button', { hasText: 'Show Log' });
    await page.waitForFunction(
      (el) => !!el && el.getBoundingClientRect().bottom <= window.innerHeight,
      await showLog.elementHandle(),
      { timeout: 10_000 },
    );
    await wb!.screenshot('error-path-1-notification');
    await toast.locator('a.monaco-button', { hasText: 'Show Log' }).click();
    // The log names the command, once.
    const lines = page.locator('.part.panel .monaco-editor .view-lines');
    await lines.filter({ hasText: 'containerWorkspaces.startContainer' }).waitFor({ timeout: 15_000 });
    await wb!.screenshot('error-path-2-log');
    const text = await lines.innerText();
    assert.equal(text.split('containerWorkspaces.startContainer:').length - 1, 1, text);
  });
});

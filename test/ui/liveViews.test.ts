// What a person sees, in the real workbench against the real engines: the Containers view following
// the engine with no refresh, the Services view after Compose Up, removing with confirmation, and
// the status-bar picker switching from Docker to Podman. Screenshots of each.
import * as assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import {
  TEST_IMAGE,
  TEST_LABEL,
  engineCli,
  removeLabelled,
  removeTestContainers,
  requireEngine,
  uniqueName,
  runTestContainer,
} from '../support/engines';
import { sampleWorkspace } from '../support/paths';
import {
  openContainersView,
  openWorkbench,
  requireBrowser,
  runFromContextMenu,
  runtimeStatusItem,
  type Workbench,
} from './workbench';

/** A row of a tree pane by its accessible label. */
function row(pane: Locator, label: string): Locator {
  return pane.locator(`.monaco-list-row[aria-label="${label}"]`);
}

function pane(page: Page, title: string): Locator {
  return page.locator('.pane', { has: page.locator(`.pane-header[aria-label^="${title}"]`) }).first();
}

const downSample = () => removeLabelled('docker', 'com.docker.compose.project=cws-sample');

describe('UI: live views against the real engines', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let page: Page;
  let containers: Locator;

  before(async function () {
    requireBrowser(this);
    requireEngine(this, 'docker');
    await downSample();
    wb = await openWorkbench({ folder: sampleWorkspace, env: { CONTAINER_RUNTIME: 'docker' } });
    page = wb.page;
    containers = await openContainersView(page);
    await runtimeStatusItem(page)
      .filter({ hasText: /Docker \d/ })
      .waitFor({ timeout: 30_000 });
  });
  // A menu or picker a failed step left open must not block the next one.
  afterEach(async () => {
    await page?.keyboard.press('Escape');
  });
  after(async () => {
    await wb?.close();
    await removeTestContainers('docker').catch(() => undefined);
    await downSample().catch(() => undefined);
  });

  it('a container started by the test appears with no refresh, and its icon changes when the test stops it', async () => {
    const name = uniqueName('cws-ui-live');
    await runTestContainer('docker', name, ['sleep', '600']);
    const running = row(containers, `${name}, ${TEST_IMAGE}, running`);
    await running.waitFor({ timeout: 10_000 });
    assert.equal(await running.locator('.codicon-vm-running').count(), 1, 'running icon');
    await wb!.screenshot('live-1-container-appears');
    await engineCli('docker', ['stop', '-t', '0', name]);
    const exited = row(containers, `${name}, ${TEST_IMAGE}, exited (137)`);
    await exited.waitFor({ timeout: 10_000 });
    assert.equal(await exited.locator('.codicon-vm-outline').count(), 1, 'stopped icon');
    assert.match(await exited.locator('.label-description').innerText(), /^exited \(137\) · /);
    await wb!.screenshot('live-2-container-stopped');
  });

  it('the activity bar badge counts running containers', async () => {
    const badge = page
      .locator('.activitybar li.action-item', { has: page.locator('a[aria-label^="Containers"]') })
      .locator('.badge-content');
    const running = async () => (await engineCli('docker', ['ps', '-q'])).split('\n').filter(Boolean).length;
    const name = uniqueName('cws-ui-badge');
    await runTestContainer('docker', name, ['sleep', '600']);
    const n = await running();
    await badge.filter({ hasText: new RegExp(`^${n}$`) }).waitFor({ timeout: 10_000 });
    await engineCli('docker', ['stop', '-t', '0', name]);
    const after = await running();
    if (after === 0) await badge.waitFor({ state: 'hidden', timeout: 10_000 });
    else await badge.filter({ hasText: new RegExp(`^${after}$`) }).waitFor({ timeout: 10_000 });
  });

  it('removing a container asks first, keeps volumes by default, and the row goes', async () => {
    const name = uniqueName('cws-ui-rm');
    await engineCli('docker', [
      'create',
      '--name',
      name,
      '--label',
      `${TEST_LABEL}=${process.pid}`,
      '-v',
      '/data',
      TEST_IMAGE,
      'sleep',
      '600',
    ]);
    const volume = await engineCli('docker', ['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', name]);
    const r = row(containers, `${name}, ${TEST_IMAGE}, created`);
    await r.waitFor({ timeout: 10_000 });
    await runFromContextMenu(page, r, 'Remove Container…');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    assert.match(await dialog.innerText(), /Remove container “cws-ui-rm/);
    assert.match(await dialog.innerText(), /Volumes are kept/);
    await wb!.screenshot('live-3-remove-confirmation');
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await r.waitFor({ state: 'detached', timeout: 10_000 });
    await assert.rejects(engineCli('docker', ['inspect', name]), 'the container is gone');
    assert.equal(
      await engineCli('docker', ['volume', 'inspect', '-f', '{{.Name}}', volume]),
      volume,
      'its volume is kept',
    );
    await engineCli('docker', ['volume', 'rm', volume]);
  });

  it("the Services view shows the sample's services going from not created to running after Compose Up", async () => {
    const services = pane(page, 'Services');
    const project = row(services, 'Compose project cws-sample, not created');
    await project.waitFor({ timeout: 20_000 });
    const worker = row(services, 'service worker, not created');
    await worker.waitFor();
    await wb!.screenshot('live-4-services-not-created');
    await worker.hover();
    await worker.locator('.action-label[aria-label="Compose Up"]').click();
    await row(services, 'service worker, running').waitFor({ timeout: 60_000 });
    await row(services, 'Compose project cws-sample, running 1/2').waitFor({ timeout: 10_000 });
    assert.equal(await row(services, 'service app, not created').count(), 1);
    await wb!.screenshot('live-5-services-worker-up');
    // The same container is in the Containers view, in its Compose group, marked as the workspace's.
    const group = row(containers, 'Compose project cws-sample, 1 of 1 running, in this workspace');
    await group.waitFor({ timeout: 10_000 });
  });

  it('the status-bar picker lists each runtime with its state and switches to Podman without a reload', async function () {
    requireEngine(this, 'podman');
    const name = uniqueName('cws-ui-podman');
    await engineCli('podman', [
      'create',
      '--name',
      name,
      '--label',
      `${TEST_LABEL}=${process.pid}`,
      TEST_IMAGE,
      'sleep',
      '600',
    ]);
    try {
      await runtimeStatusItem(page).click();
      const picker = page.locator('.quick-input-widget');
      await picker.waitFor({ timeout: 10_000 });
      const podmanRow = picker.locator('.monaco-list-row[aria-label^="Podman, running 4."]');
      await podmanRow.waitFor({ timeout: 15_000 });
      assert.equal(
        await picker.locator('.monaco-list-row[aria-label^="Docker, running 20.10."]').count(),
        1,
        'Docker with its version',
      );
      assert.equal(await picker.locator('.monaco-list-row[aria-label^="Auto, uses Docker"]').count(), 1);
      await wb!.screenshot('live-6-runtime-picker');
      await podmanRow.click();
      await runtimeStatusItem(page)
        .filter({ hasText: /Podman \d/ })
        .waitFor({ timeout: 20_000 });
      const podmanContainer = row(containers, `${name}, ${TEST_IMAGE}, created`);
      await podmanContainer.waitFor({ timeout: 15_000 });
      // Docker's containers are gone from the view.
      assert.equal(await containers.locator('.monaco-list-row[aria-label^="cws-ui-live"]').count(), 0);
      await wb!.screenshot('live-7-switched-to-podman');
    } finally {
      await removeTestContainers('podman').catch(() => undefined);
    }
  });
});

// What a person sees in the Images, Volumes and Networks views next to the Containers view: the
// three populated from the real dockerd (an image, a volume and a network that a test container
// uses, each marked so), and Remove Image on the image in use asking with the container named and
// no plain Remove — the image is still there after the question is dismissed.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import {
  engineCli,
  removeTestContainers,
  requireEngine,
  runTestContainer,
  TEST_IMAGE,
  TEST_LABEL,
  uniqueName,
} from '../support/engines';
import { openContainersView, openWorkbench, requireBrowser, runFromContextMenu, type Workbench } from './workbench';

function pane(page: Page, title: string): Locator {
  return page.locator('.pane', { has: page.locator(`.pane-header[aria-label^="${title}"]`) }).first();
}

/** Shows only the rows of the pane's tree that match `text` (its find widget, in filter mode). */
async function find(page: Page, p: Locator, text: string): Promise<void> {
  await p.locator('.monaco-list').first().focus();
  await page.keyboard.press('Control+Alt+F');
  const input = page.locator('.monaco-tree-type-filter-input, .monaco-findInput input').last();
  await input.waitFor({ timeout: 10_000 });
  await input.fill(text);
}

/** Expands a collapsed pane of the sidebar (a click on its header) and returns it. */
async function expand(page: Page, title: string): Promise<Locator> {
  const p = pane(page, title);
  const header = p.locator('.pane-header').first();
  await header.waitFor({ timeout: 30_000 });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  return p;
}

describe('UI: the Images, Volumes and Networks views', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let page: Page;
  const name = uniqueName('cws-ui-engine');
  const repo = `localhost/cws-test/${name}`;
  const tag = `${repo}:v1`;
  const volume = `${name}-vol`;
  const network = `${name}-net`;

  before(async function () {
    requireBrowser(this);
    requireEngine(this, 'docker');
    const ctx = mkdtempSync(join(tmpdir(), 'cws-ui-engine-'));
    try {
      writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nLABEL ${TEST_LABEL}.name=${name}\n`);
      await engineCli('docker', ['build', '-q', '-t', tag, ctx]);
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
    await engineCli('docker', ['volume', 'create', volume]);
    await engineCli('docker', ['network', 'create', network]);
    await runTestContainer('docker', name, ['sleep', '600'], {
      image: tag,
      flags: ['-v', `${volume}:/data`, '--network', network],
    });
    // Find in a tree filters (the engine may hold more images than the pane shows at once).
    wb = await openWorkbench({
      env: { CONTAINER_RUNTIME: 'docker' },
      settings: { 'workbench.list.defaultFindMode': 'filter' },
    });
    page = wb.page;
    await openContainersView(page);
  });
  afterEach(async () => {
    await page?.keyboard.press('Escape');
  });
  after(async () => {
    await wb?.close();
    await removeTestContainers('docker').catch(() => undefined);
    await engineCli('docker', ['network', 'rm', network]).catch(() => undefined);
    await engineCli('docker', ['volume', 'rm', volume]).catch(() => undefined);
    await engineCli('docker', ['rmi', tag]).catch(() => undefined);
  });

  it('the three views list the image, the volume and the network, each in use by the container', async () => {
    // Room for the three: the Services view folds away.
    const services = pane(page, 'Services').locator('.pane-header').first();
    if ((await services.getAttribute('aria-expanded')) === 'true') await services.click();
    const images = await expand(page, 'Images');
    await images.locator('.monaco-list-row').first().waitFor({ timeout: 30_000 });
    await find(page, images, name);
    const group = images.locator(`.monaco-list-row[aria-label^="${repo}"]`);
    await group.waitFor({ timeout: 30_000 }).catch(async (e) => {
      await wb!.screenshot('engine-failed');
      throw e;
    });
    await group.click();
    // The filter would hide the tags (they do not match it); the expanded group stays in view.
    await page.keyboard.press('Escape');
    const image = images.locator(`.monaco-list-row[aria-label^="${tag}, "][aria-label$=", in use by ${name}"]`);
    await image.waitFor({ timeout: 15_000 });
    assert.match(await image.locator('.label-description').innerText(), /^in use · \d/);
    const volumes = await expand(page, 'Volumes');
    await volumes
      .locator(`.monaco-list-row[aria-label="volume ${volume}, used by ${name}"]`)
      .waitFor({ timeout: 30_000 });
    const networks = await expand(page, 'Networks');
    await networks
      .locator(`.monaco-list-row[aria-label="network ${network}, attached: ${name}"]`)
      .waitFor({ timeout: 30_000 });
    await networks.locator('.monaco-list-row[aria-label^="network bridge, built in"]').waitFor();
    await wb!.screenshot('engine-1-images-volumes-networks');
  });

  it('Remove Image on the image in use: the container named, only “Remove Anyway”; dismissed, the image stays', async () => {
    const image = pane(page, 'Images').locator(`.monaco-list-row[aria-label^="${tag}, "]`);
    await runFromContextMenu(page, image, 'Remove Image…');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    const text = await dialog.innerText();
    assert.match(text, new RegExp(`is used by ${name}: it is kept unless you choose “Remove Anyway”`));
    assert.equal(await dialog.getByRole('button', { name: 'Remove Anyway', exact: true }).count(), 1);
    assert.equal(await dialog.getByRole('button', { name: 'Remove', exact: true }).count(), 0);
    await wb!.screenshot('engine-2-remove-image-in-use');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.ok((await engineCli('docker', ['image', 'inspect', '-f', '{{.Id}}', tag])).trim());
  });
});

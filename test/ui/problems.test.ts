// What a person sees when a Compose file is broken: the problem in the Problems panel, at its line.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';
import { openWorkbench, requireBrowser, type Workbench } from './workbench';

describe('UI: a broken Compose file', function () {
  this.timeout(120_000);
  let wb: Workbench | undefined;

  before(async function () {
    requireBrowser(this);
    wb = await openWorkbench({
      folder: join(repoRoot, 'test/fixtures/workspaces/broken-compose'),
      env: { CONTAINER_RUNTIME: 'docker' },
    });
  });
  after(async () => {
    await wb?.close();
  });

  it('shows up in the Problems panel with its file and line', async () => {
    const page = wb!.page;
    // The status bar's problem counter appears once detection has run.
    await page
      .locator('.statusbar-item[id="status.problems"]')
      .filter({ hasText: /[1-9]/ })
      .waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+Shift+M');
    // The marker row (not the file row "compose.yaml"): it carries the source and position.
    const row = page
      .locator('.markers-panel .monaco-list-row')
      .filter({ hasText: /Compose\s*\[Ln/ })
      .first();
    await row.waitFor({ timeout: 15_000 });
    await wb!.screenshot('problems-broken-compose');
    const panel = await page.locator('.markers-panel').innerText();
    assert.match(panel, /compose\.yaml/);
    // The unclosed quote opens on line 8, column 12 (`    image: "postgres:16`).
    const text = await row.innerText();
    assert.match(text, /Missing closing double quote/);
    assert.match(text, /\[Ln 8, Col 12\]/);
  });
});

// Drives the real VS Code workbench (code-server) in Chromium, as a person would.
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as cs from '../support/codeServer';
import { isCI } from '../support/engines';
import { repoRoot, sampleWorkspace, screenshotsDir } from '../support/paths';

export interface Workbench {
  page: Page;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Fails in CI, skips elsewhere, when there is no browser to drive. */
export function requireBrowser(ctx: Mocha.Context): string {
  const exe = cs.findChromium();
  if (exe) return exe;
  const why = "no Chromium to drive the workbench (install Debian's chromium or set CWS_CHROMIUM)";
  if (isCI) throw new Error(`${why}; CI needs it.`);
  console.log(`      skipping: ${why}`);
  ctx.skip();
}

/** Opens the sample workspace with the extension under development loaded. */
export async function openWorkbench(
  o: { env?: NodeJS.ProcessEnv; settings?: object; folder?: string } = {},
): Promise<Workbench> {
  const executablePath = cs.findChromium()!;
  const bin = cs.ensureCodeServer({ quiet: true });
  const server = await cs.startCodeServer({
    bin,
    folder: o.folder ?? sampleWorkspace,
    env: o.env,
    settings: o.settings,
    // Its logs stay for the secret scan at the end of `npm test` (which removes them next run).
    keepData: true,
  });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath, args: cs.CHROMIUM_ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url({ extensionDevelopmentPath: repoRoot }));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor();
    const b = browser;
    return {
      page,
      async screenshot(name) {
        mkdirSync(screenshotsDir, { recursive: true });
        const path = join(screenshotsDir, `${name}.png`);
        await page.screenshot({ path });
        return path;
      },
      async close() {
        await b.close();
        server.stop();
      },
    };
  } catch (err) {
    await browser?.close();
    server.stop();
    throw err;
  }
}

/** Clicks the "Containers" entry of the activity bar and returns the view's pane. */
export async function openContainersView(page: Page): Promise<Locator> {
  const item = page
    .locator('.activitybar li.action-item')
    .filter({ has: page.locator('a[aria-label^="Containers"]') })
    .first();
  await item.waitFor({ timeout: 30_000 });
  if (!(await item.getAttribute('class'))?.includes('checked')) await item.click();
  const pane = page.locator('.pane', { has: page.locator('.pane-header[aria-label^="Containers"]') }).first();
  await pane.waitFor();
  return pane;
}

/** The status-bar entry of our runtime item. */
export function runtimeStatusItem(page: Page): Locator {
  return page.locator('.statusbar-item[id$="containerWorkspaces.runtime"]');
}

/** Right-clicks a tree row and runs a context-menu entry (keyboard: clicks on the menu are flaky). */
export async function runFromContextMenu(page: Page, row: Locator, entry: string): Promise<void> {
  // A row's tooltip shows a moment after the pointer rests on it, and showing it closes a context
  // menu opened in the meantime (on a busy machine the right-click lands inside that moment). So
  // the pointer rests first: once the tooltip is up, the right-click hides it for good.
  await row.hover();
  await page
    .locator('.workbench-hover')
    .first()
    .waitFor({ timeout: 5_000 })
    .catch(() => undefined); // a row without a tooltip
  await row.click({ button: 'right' });
  // Hovering focuses the item; Enter then runs whichever item has keyboard focus, so wait until it
  // is this one (a click is not used: a menu opened by a right-click can swallow the first click).
  // The menu closes once the command has been handed over.
  const item = page.locator('.context-view .action-menu-item', { hasText: entry });
  await item.hover();
  await page.locator('.context-view .action-item.focused .action-menu-item', { hasText: entry }).waitFor();
  await page.keyboard.press('Enter');
  await item.waitFor({ state: 'detached', timeout: 10_000 });
}

/**
 * Runs a command from the palette by its full title. The row whose label is exactly the title is
 * clicked: Enter would run whichever row ranks first, and a longer title that starts the same
 * ("… from Repository…") or a recently used command can rank above it.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.keyboard.type(title);
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first()
    .click();
}

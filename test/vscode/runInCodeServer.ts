// Launcher 1 (these machines): the real VS Code workbench from code-server, opened in Chromium; the
// suite runs in its extension host and writes its results to $CWS_RESULTS_FILE, which we wait for.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as cs from '../support/codeServer';
import { repoRoot, resultsDir, sampleWorkspace, screenshotsDir, suiteIndex } from '../support/paths';
import { printResults } from './printResults';

const TIMEOUT_MS = 8 * 60_000;

async function main(): Promise<number> {
  const executablePath = cs.findChromium();
  if (!executablePath) {
    console.error("No Chromium found (install Debian's chromium, or set CWS_CHROMIUM).");
    return 3;
  }
  const bin = cs.ensureCodeServer({ quiet: true });
  const resultsFile = join(resultsDir, 'exthost.json');
  rmSync(resultsFile, { force: true });
  mkdirSync(screenshotsDir, { recursive: true });
  const server = await cs.startCodeServer({
    bin,
    folder: sampleWorkspace,
    env: { CWS_RESULTS_FILE: resultsFile },
    keepData: true,
  });
  const browser = await chromium.launch({ executablePath, args: cs.CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url({ extensionDevelopmentPath: repoRoot, extensionTestsPath: suiteIndex }));
    const deadline = Date.now() + TIMEOUT_MS;
    while (!existsSync(resultsFile)) {
      if (server.child.exitCode !== null) throw new Error(`code-server exited:\n${server.output()}`);
      if (Date.now() > deadline) {
        await page.screenshot({ path: join(screenshotsDir, 'exthost-timeout.png') });
        throw new Error(
          `the in-VS Code suite wrote no results in ${TIMEOUT_MS / 1000} s; extension host logs: ${join(server.dataDir, 'ud/logs')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 200)); // let the writer finish
    const r = printResults(resultsFile)!;
    return r.failed ? 1 : 0;
  } finally {
    await browser.close();
    server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

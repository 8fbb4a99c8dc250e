// Launcher 2 (desktops that can download VS Code): the same suite through @vscode/test-electron.
import { runTests } from '@vscode/test-electron';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, resultsDir, sampleWorkspace, suiteIndex } from '../support/paths';
import { printResults } from './printResults';

async function main(): Promise<number> {
  const resultsFile = join(resultsDir, 'exthost.json');
  rmSync(resultsFile, { force: true });
  try {
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suiteIndex,
      launchArgs: [sampleWorkspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { CWS_RESULTS_FILE: resultsFile },
    });
  } catch (err) {
    if (!printResults(resultsFile)) console.error(err);
    return 1;
  }
  printResults(resultsFile);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

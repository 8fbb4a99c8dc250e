import { join, resolve } from 'node:path';

/** Repository root, from out/test/support (compiled) or test/support (source). */
export const repoRoot = resolve(__dirname, __dirname.includes(`${join('out', 'test')}`) ? '../../..' : '../..');
export const sampleWorkspace = join(repoRoot, 'test/fixtures/workspaces/sample');
export const suiteIndex = join(repoRoot, 'out/test/vscode/suite/index.js');
export const resultsDir = join(repoRoot, 'test-results');
export const screenshotsDir = join(resultsDir, 'screenshots');

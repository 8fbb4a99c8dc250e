import { join } from 'node:path';
import type * as Background from '../../core/background';

let loaded: typeof Background | undefined;

/**
 * Context detection lives in its own bundle (dist/background.js, with the YAML and JSONC parsers) and
 * is loaded on first use, after activation, so it adds nothing to activation time.
 */
export function loadDetection(): typeof Background {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require(join(__dirname, 'background.js')) as typeof Background);
}

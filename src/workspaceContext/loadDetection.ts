import { join } from 'node:path';
import type * as Detection from '../context/index';

let loaded: typeof Detection | undefined;

/**
 * Context detection lives in its own bundle (dist/context.js, with the YAML and JSONC parsers) and
 * is loaded on first use, after activation, so it adds nothing to activation time.
 */
export function loadDetection(): typeof Detection {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require(join(__dirname, 'context.js')) as typeof Detection);
}

import { join } from 'node:path';
import type * as Background from '../../core/background';
import type * as DetectionHost from '../../core/detection/worker/bundle';

let loaded: typeof Background | undefined;

/**
 * Context detection lives in its own bundle (dist/background.js, with the YAML and JSONC parsers) and
 * is loaded on first use, after activation, so it adds nothing to activation time.
 */
export function loadDetection(): typeof Background {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require(join(__dirname, 'background.js')) as typeof Background);
}

/** The detection worker's bundle: the worker thread's script and, on this thread, its host side. */
export const detectionHostPath = join(__dirname, 'detectionWorker.js');

/** Loads the detection worker's host side (dist/detectionWorker.js, a few KB) on the first detection. */
export function loadDetectionHost(): typeof DetectionHost {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(detectionHostPath) as typeof DetectionHost;
}

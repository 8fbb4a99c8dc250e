/**
 * The messages between the extension host and the detection worker (worker_threads). Everything
 * here is structured-clone friendly: no functions, no class instances. The exclude matcher is a
 * function, so the patterns travel instead and the worker builds the matcher itself.
 */
import type { detectDirectory } from '../detect';
import type { excludeMatcher } from '../glob';
import type { FolderContext } from '../types';

/**
 * What the worker and the in-process fallback load: dist/background.js in the extension (so the
 * parsers exist once, in one bundle), or src/core/background.ts's output in tests.
 */
export interface DetectionModule {
  detectDirectory: typeof detectDirectory;
  excludeMatcher: typeof excludeMatcher;
}

/** Given to the worker at its start; the marker tells the bundle it was started as our worker. */
export interface WorkerData {
  cwsDetectionWorker: true;
  /** Absolute path of the module to require for detection. */
  detectionModule: string;
}

export function isWorkerData(d: unknown): d is WorkerData {
  const o = d as Partial<WorkerData> | null;
  return !!o && o.cwsDetectionWorker === true && typeof o.detectionModule === 'string';
}

export interface DetectRequest {
  type: 'detect';
  id: number;
  dir: string;
  /** files.exclude / search.exclude patterns that are on (`{ pattern: true }`). */
  exclude: string[];
  env: Record<string, string | undefined>;
  /**
   * Test-only: the worker busy-loops this long before detecting (a stand-in for a pathological
   * parser), or crashes, so the budget and crash handling can be proved without such a file.
   */
  test?: { busyMs?: number; crash?: 'throw' | 'exit' };
}

/** A newer detection of the same folder supersedes this one: stop at the next check. */
export interface CancelRequest {
  type: 'cancel';
  id: number;
}

export type ToWorker = DetectRequest | CancelRequest;

export type FromWorker =
  /** The worker's modules are loaded: a failure before this is a load failure, not a crash. */
  | { type: 'ready' }
  | { type: 'internalError'; id: number; what: string; message: string }
  | { type: 'done'; id: number; context: FolderContext & { truncated: boolean } }
  | { type: 'failed'; id: number; message: string };

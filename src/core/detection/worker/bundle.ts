/**
 * dist/detectionWorker.js, loaded on the first detection (never at activation): on the extension
 * host's main thread it is the host side (DetectionClient); started by that client as a worker
 * thread, the same file is the worker. One small bundle, kept out of dist/extension.js.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runDetectionWorker } from './detectionWorker';
import { isWorkerData } from './protocol';

export { DETECTION_BUDGET_MS, DetectionClient } from './detectionClient';

if (!isMainThread && parentPort && isWorkerData(workerData)) runDetectionWorker(parentPort, workerData);

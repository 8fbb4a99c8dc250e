/**
 * The detection worker thread: runs detectDirectory off the extension host's main thread, so a file
 * that makes a parser slow cannot freeze the window; the host (detectionClient.ts) terminates it when
 * a detection exceeds its time budget. Detection itself is required from the module the host names
 * (dist/background.js), so the parsers are bundled once.
 */
import type { MessagePort } from 'node:worker_threads';
import type { DetectionModule, DetectRequest, FromWorker, ToWorker, WorkerData } from './protocol';

export function runDetectionWorker(port: MessagePort, data: WorkerData): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const detection = require(data.detectionModule) as DetectionModule;
  const running = new Map<number, AbortController>();
  const post = (m: FromWorker) => port.postMessage(m);
  port.on('message', (m: ToWorker) => {
    if (m.type === 'cancel') running.get(m.id)?.abort();
    else void detect(detection, m, running, post);
  });
  post({ type: 'ready' });
}

async function detect(
  { detectDirectory, excludeMatcher }: DetectionModule,
  r: DetectRequest,
  running: Map<number, AbortController>,
  post: (m: FromWorker) => void,
): Promise<void> {
  const ctl = new AbortController();
  running.set(r.id, ctl);
  try {
    if (r.test?.crash === 'exit') process.exit(3);
    if (r.test?.crash === 'throw')
      setImmediate(() => {
        throw new Error('test crash inside the detection worker');
      });
    if (r.test?.busyMs) {
      const end = Date.now() + r.test.busyMs;
      while (Date.now() < end); // deliberately blocks this thread, as a runaway parser would
    }
    const context = await detectDirectory(r.dir, {
      exclude: excludeMatcher(Object.fromEntries(r.exclude.map((p) => [p, true]))),
      env: r.env,
      signal: ctl.signal,
      onInternalError: (what, err) =>
        post({ type: 'internalError', id: r.id, what, message: err instanceof Error ? err.message : String(err) }),
    });
    // Answered even when cancelled: the host waits for it before sending the next folder.
    try {
      post({ type: 'done', id: r.id, context });
    } catch (err) {
      // Something in the context that does not clone is a bug of ours: say so instead of going quiet.
      post({ type: 'failed', id: r.id, message: `the result could not be sent: ${(err as Error).message}` });
    }
  } catch (err) {
    post({ type: 'failed', id: r.id, message: err instanceof Error ? err.message : String(err) });
  } finally {
    running.delete(r.id);
  }
}

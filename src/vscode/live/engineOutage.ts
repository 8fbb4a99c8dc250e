import * as vscode from 'vscode';

/** How often an engine that stopped answering is pinged (GET /_ping: a refused connection costs nothing)… */
const PROBE_MS = 1_000;
/** …and, once it has been down this long, a little less often (still well within 5 s of its return). */
const SLOW_AFTER_MS = 120_000;
const SLOW_PROBE_MS = 3_000;

/**
 * One outage of an engine that was answering: a single notification while it lasts (it closes by
 * itself when the engine is back, the runtime is switched or the window closes; Cancel hides it)
 * and a cheap ping every second (every 3 s after two minutes), so the session reconnects within
 * seconds of the engine answering, whether or not a view is open to notice.
 */
export class EngineOutage implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private closeNotice: (() => void) | undefined;
  private stopped = false;
  private readonly probing = new AbortController();
  private readonly since = Date.now();

  constructor(
    label: string,
    /** GET /_ping on the active runtime (it may be replaced while `auto` looks again). */
    private readonly ping: (signal: AbortSignal) => Promise<void>,
    /** The engine answered a ping: reconnect (the session ends the outage once it is ready). */
    private readonly onAnswer: () => void,
  ) {
    const notice = new Promise<void>((resolve) => {
      this.closeNotice = resolve;
    });
    void vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('{0} stopped answering. Reconnecting when it is back…', label),
        // Cancel only hides the notice: the views still reconnect when the engine is back.
        cancellable: true,
      },
      (_progress, token) =>
        new Promise<void>((resolve) => {
          token.onCancellationRequested(() => resolve());
          void notice.then(resolve);
        }),
    );
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    const every = Date.now() - this.since > SLOW_AFTER_MS ? SLOW_PROBE_MS : PROBE_MS;
    this.timer = setTimeout(() => void this.probe(), every);
  }

  private async probe(): Promise<void> {
    try {
      await this.ping(AbortSignal.any([this.probing.signal, AbortSignal.timeout(2 * PROBE_MS)]));
      if (!this.stopped) this.onAnswer();
    } catch {
      // Still down: the next ping in a second.
    }
    this.schedule();
  }

  dispose(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.probing.abort();
    this.closeNotice?.();
  }
}

import * as vscode from 'vscode';
import { escapeControl } from '../../core/text/escapeControl';
import { RuntimeError } from '../../core/runtime/errors';
import type { ContainerRuntime, Subscription } from '../../core/runtime/types';

/** How often a resumed follow inspects its container again (0.2 s, 0.4 s, … 3.2 s apart). */
const RESUME_TRIES = 5;

/** What the terminal needs of the runtime session: which runtime is active, whether it answers. */
export interface LogsSession {
  readonly runtime: ContainerRuntime | undefined;
  readonly state: string;
  readonly onDidChange: vscode.Event<void>;
}

/**
 * A read-only terminal following a container's logs: stdout as is, stderr in red. The log stream
 * is closed with the terminal, and ends by itself when the container is removed. When the engine
 * goes away under it (restarted, crashed), the terminal says so and follows again once the same
 * runtime answers, if the container is still there and running.
 */
export class LogsPty implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writer.event;
  private sub: Subscription | undefined;
  private closed = false;
  /** Ends a follow still being opened (Podman answers a quiet container's follow late). */
  private readonly lifetime = new AbortController();
  private waiting: vscode.Disposable | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly rt: ContainerRuntime,
    private readonly id: string,
    private readonly tail: number,
    private readonly session?: LogsSession,
  ) {}

  open(): void {
    void this.follow(this.tail);
  }

  private note(text: string): void {
    if (!this.closed) this.writer.fire(`\x1b[2m\r\n${text}\x1b[0m\r\n`);
  }

  private async follow(tail: number): Promise<void> {
    try {
      this.sub = await this.rt.logs(this.id, { follow: true, tail, signal: this.lifetime.signal }, (chunk) => {
        const text = chunk.text.replace(/\r?\n/g, '\r\n');
        this.writer.fire(chunk.stream === 'stderr' ? `\x1b[31m${text}\x1b[0m` : text);
      });
    } catch (err) {
      if (this.closed) return;
      this.writer.fire(`\x1b[31m${escapeControl(err instanceof Error ? err.message : String(err))}\x1b[0m\r\n`);
      return;
    }
    if (this.closed) {
      this.sub.close();
      return;
    }
    void this.sub.ended.then(() => this.ended());
  }

  /** The stream ended: the container stopped or went, or the engine stopped answering. */
  private async ended(): Promise<void> {
    if (this.closed) return;
    const engineUp = await this.rt.ping().then(
      () => true,
      () => false,
    );
    if (this.closed) return;
    if (engineUp || !this.session) {
      this.note(vscode.l10n.t('[the log stream ended]'));
      return;
    }
    this.note(vscode.l10n.t('[{0} is not answering; following again once it is back]', this.rt.label));
    this.waitForEngine();
  }

  private waitForEngine(): void {
    const check = () => {
      if (this.closed || !this.session) return;
      if (this.session.runtime !== this.rt) {
        this.stopWaiting();
        this.note(vscode.l10n.t('[the runtime was switched: the log stream ended]'));
      } else if (this.session.state === 'ready') {
        this.stopWaiting();
        void this.resume();
      }
    };
    this.waiting = this.session!.onDidChange(check);
    check();
  }

  private stopWaiting(): void {
    this.waiting?.dispose();
    this.waiting = undefined;
  }

  /**
   * The engine answers again: follow from now on if the container is still there and running.
   * A failed inspection that is not "no such container" (the engine answered its ping but not yet
   * this, or its container is restarting under its restart policy) is tried again a few times,
   * each a little later, before the terminal says what it got.
   */
  private async resume(attempt = 0): Promise<void> {
    let state: string | undefined;
    let failure: unknown;
    try {
      state = (await this.rt.inspect(this.id)).state;
    } catch (err) {
      failure = err;
    }
    if (this.closed) return;
    if (this.session && this.session.runtime !== this.rt) {
      this.note(vscode.l10n.t('[the runtime was switched: the log stream ended]'));
      return;
    }
    const gone = failure instanceof RuntimeError && failure.code === 'notFound';
    const transient = (failure !== undefined && !gone) || state === 'restarting';
    if (transient && attempt < RESUME_TRIES) {
      this.retry = setTimeout(() => void this.resume(attempt + 1), 200 * 2 ** attempt);
      return;
    }
    if (failure !== undefined && !gone) {
      const why = escapeControl(failure instanceof Error ? failure.message : `${failure as string}`);
      this.note(vscode.l10n.t('[{0} answers again, but not about this container: {1}]', this.rt.label, why));
      return;
    }
    if (state !== 'running') {
      this.note(
        gone
          ? vscode.l10n.t('[{0} answers again; the container is gone]', this.rt.label)
          : vscode.l10n.t('[{0} answers again; the container is {1}]', this.rt.label, state!),
      );
      return;
    }
    this.note(vscode.l10n.t('[{0} answers again: following the log]', this.rt.label));
    await this.follow(0);
  }

  handleInput(): void {
    /* read-only */
  }

  close(): void {
    this.closed = true;
    this.stopWaiting();
    clearTimeout(this.retry);
    this.lifetime.abort();
    this.sub?.close();
    this.writer.dispose();
  }
}

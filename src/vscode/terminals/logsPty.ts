import * as vscode from 'vscode';
import type { ContainerRuntime, Subscription } from '../../core/runtime/types';

/**
 * A read-only terminal following a container's logs: stdout as is, stderr in red. The log stream
 * is closed with the terminal, and ends by itself when the container is removed.
 */
export class LogsPty implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writer.event;
  private sub: Subscription | undefined;
  private closed = false;

  constructor(
    private readonly rt: ContainerRuntime,
    private readonly id: string,
    private readonly tail: number,
  ) {}

  open(): void {
    void this.start();
  }

  private async start(): Promise<void> {
    try {
      this.sub = await this.rt.logs(this.id, { follow: true, tail: this.tail }, (chunk) => {
        const text = chunk.text.replace(/\r?\n/g, '\r\n');
        this.writer.fire(chunk.stream === 'stderr' ? `\x1b[31m${text}\x1b[0m` : text);
      });
    } catch (err) {
      this.writer.fire(`\x1b[31m${err instanceof Error ? err.message : String(err)}\x1b[0m\r\n`);
      return;
    }
    if (this.closed) {
      this.sub.close();
      return;
    }
    void this.sub.ended.then(() => {
      if (!this.closed) this.writer.fire(`\x1b[2m\r\n${vscode.l10n.t('[the log stream ended]')}\x1b[0m\r\n`);
    });
  }

  handleInput(): void {
    /* read-only */
  }

  close(): void {
    this.closed = true;
    this.sub?.close();
    this.writer.dispose();
  }
}

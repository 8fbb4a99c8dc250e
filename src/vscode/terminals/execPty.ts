import * as vscode from 'vscode';
import { escapeControl } from '../../core/text/escapeControl';
import type { ContainerRuntime, InteractiveExec } from '../../core/runtime/types';

export interface ExecPtyOptions {
  cmd: string[];
  workingDir?: string;
  user?: string;
  env?: Record<string, string>;
  /** Told the exit code when the process ends (-1: closed first or could not start). */
  onExit?: (code: number) => void;
  /** Close the terminal as soon as the process ends (tasks); otherwise it stays to be read. */
  closeOnExit?: boolean;
}

const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;

/**
 * A terminal attached to a TTY exec in a container: keystrokes in, output out, resized with the
 * terminal, the exit code written when the process ends. Closing the terminal ends the exec.
 */
export class ExecPty implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private exec: InteractiveExec | undefined;
  private ended = false;

  constructor(
    private readonly rt: ContainerRuntime,
    private readonly id: string,
    private readonly o: ExecPtyOptions,
  ) {}

  open(dims: vscode.TerminalDimensions | undefined): void {
    void this.start(dims);
  }

  private async start(dims: vscode.TerminalDimensions | undefined): Promise<void> {
    try {
      this.exec = await this.rt.execInteractive(this.id, {
        cmd: this.o.cmd,
        workingDir: this.o.workingDir,
        user: this.o.user,
        env: this.o.env,
        cols: dims?.columns,
        rows: dims?.rows,
      });
    } catch (err) {
      this.writer.fire(`\x1b[31m${escapeControl(err instanceof Error ? err.message : String(err))}\x1b[0m\r\n`);
      this.finish(-1);
      return;
    }
    this.exec.onData((d) => this.writer.fire(d));
    void this.exec.exit.then((code) => this.finish(code));
  }

  private finish(code: number): void {
    if (this.ended) return;
    this.ended = true;
    this.o.onExit?.(code);
    if (this.o.closeOnExit) {
      this.writer.fire(dim(`\r\n${vscode.l10n.t('[exit code {0}]', code)}\r\n`));
      this.closer.fire(code);
      return;
    }
    this.writer.fire(dim(`\r\n${vscode.l10n.t('[process exited with code {0}; press any key to close]', code)}\r\n`));
  }

  handleInput(data: string): void {
    // The exit code is on screen already: closing without it spares the workbench's own alert.
    if (this.ended) {
      this.closer.fire();
      return;
    }
    this.exec?.write(data);
  }

  setDimensions(d: vscode.TerminalDimensions): void {
    void this.exec?.resize(d.columns, d.rows);
  }

  /** The terminal was closed by the user: end the process. */
  close(): void {
    this.exec?.close();
    this.writer.dispose();
    this.closer.dispose();
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { escapeControl } from '../../core/text/escapeControl';

/**
 * argv for running a command line with this machine's shell (never built from names or paths: the
 * user typed the line).
 */
export function hostShellArgv(line: string, platform = process.platform): string[] {
  return platform === 'win32' ? [process.env.ComSpec || 'cmd.exe', '/d', '/s', '/c', line] : ['/bin/sh', '-c', line];
}

/**
 * Runs a program on this machine (the `host` runtime), output in a terminal, labelled as such;
 * reports the exit code. No TTY: output is piped.
 */
export class HostPty implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private child: ChildProcess | undefined;
  private ended = false;

  constructor(
    private readonly argv: string[],
    private readonly o: { cwd?: string; onExit?: (code: number) => void; closeOnExit?: boolean },
  ) {}

  open(): void {
    this.writer.fire(`\x1b[2m${vscode.l10n.t('[on this machine (host)]')}\x1b[0m\r\n`);
    const [cmd, ...args] = this.argv;
    const child = spawn(cmd, args, { cwd: this.o.cwd, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child = child;
    const out = (b: Buffer) => this.writer.fire(b.toString().replace(/\r?\n/g, '\r\n'));
    child.stdout.on('data', out);
    child.stderr.on('data', (b: Buffer) =>
      this.writer.fire(`\x1b[31m${b.toString().replace(/\r?\n/g, '\r\n')}\x1b[0m`),
    );
    child.on('error', (err) => {
      this.writer.fire(`\x1b[31m${escapeControl(err.message)}\x1b[0m\r\n`);
      this.finish(-1);
    });
    child.on('close', (code) => this.finish(code ?? -1));
  }

  private finish(code: number): void {
    if (this.ended) return;
    this.ended = true;
    this.o.onExit?.(code);
    const ended = this.o.closeOnExit
      ? vscode.l10n.t('[exit code {0}]', code)
      : vscode.l10n.t('[exit code {0}; press any key to close]', code);
    this.writer.fire(`\x1b[2m\r\n${ended}\x1b[0m\r\n`);
    if (this.o.closeOnExit) this.closer.fire(code);
  }

  handleInput(data: string): void {
    if (this.ended) {
      this.closer.fire();
      return;
    }
    this.child?.stdin?.write(data === '\r' ? '\n' : data);
  }

  close(): void {
    if (!this.ended) this.child?.kill();
    this.writer.dispose();
    this.closer.dispose();
  }
}

import * as vscode from 'vscode';
import type { RuntimeSession } from '../runtimeSession';
import { ExecPty } from '../terminals/execPty';
import { HostPty, hostShellArgv } from '../terminals/hostPty';
import { requireTrust } from '../ui/notify';
import { execWithEnv } from '../../core/workspace/execEnv';

export const TASK_TYPE = 'container-workspaces';

/** A tasks.json entry: `{ "type": "container-workspaces", "command": "npm test" }`. */
export interface ContainerTaskDefinition extends vscode.TaskDefinition {
  /** A command line for `sh -c`, or — with `args` — the program to run. */
  command: string;
  /** Arguments, passed as they are (no shell) when given. */
  args?: string[];
  /** Container name or id; default: the workspace's container. */
  container?: string;
  /** Working directory in the container; default: the workspace mount. */
  cwd?: string;
}

export interface TaskTarget {
  id: string;
  name: string;
  workingDir?: string;
  user?: string;
  /** The dev container config's remoteEnv (null: unset for the task). */
  env?: Record<string, string | null>;
}

/**
 * Runs tasks of type `container-workspaces` in the workspace container. The exit code becomes the
 * task's; `onDidFinish` tells it too (for tests and other extensions).
 */
export class ContainerTaskProvider implements vscode.TaskProvider {
  private readonly finished = new vscode.EventEmitter<{ task: string; exitCode: number }>();
  readonly onDidFinish = this.finished.event;

  constructor(
    private readonly session: RuntimeSession,
    /** Finds the container: by name/id, else the workspace's own. */
    private readonly resolveTarget: (container: string | undefined) => Promise<TaskTarget | string>,
  ) {}

  provideTasks(): vscode.Task[] {
    return [];
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const d = task.definition as ContainerTaskDefinition;
    if (typeof d.command !== 'string' || !d.command) return undefined;
    return this.make(task.scope ?? vscode.TaskScope.Workspace, task.name, d);
  }

  /** A task for a definition (also for running one made in code). */
  make(scope: vscode.WorkspaceFolder | vscode.TaskScope, name: string, d: ContainerTaskDefinition): vscode.Task {
    const exec = new vscode.CustomExecution(async () => {
      // A task's command comes from the folder's tasks.json: said in the terminal and as a notification.
      const untrusted = vscode.l10n.t('Tasks run only in a trusted workspace.');
      if (!requireTrust(untrusted)) return this.message(untrusted, name);
      const onExit = (exitCode: number) => this.finished.fire({ task: name, exitCode });
      if (this.session.isHost) {
        const cwd =
          d.cwd ?? (typeof scope === 'object' ? scope.uri.fsPath : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
        return new HostPty(d.args ? [d.command, ...d.args] : hostShellArgv(d.command), {
          cwd,
          closeOnExit: true,
          onExit,
        });
      }
      const rt = this.session.runtime;
      if (!rt) return this.message(vscode.l10n.t('{0} is not reachable.', this.session.label), name);
      const target = await this.resolveTarget(d.container);
      if (typeof target === 'string') return this.message(target, name);
      const argv = d.args ? [d.command, ...d.args] : ['sh', '-c', d.command];
      return new ExecPty(rt, target.id, {
        ...execWithEnv(argv, target.env ?? {}),
        workingDir: d.cwd ?? target.workingDir,
        user: target.user,
        closeOnExit: true,
        onExit,
      });
    });
    const task = new vscode.Task(d, scope, name, 'Container Workspaces', exec);
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: false };
    return task;
  }

  /** A task that only says why it could not run, and fails. */
  private message(text: string, name: string): vscode.Pseudoterminal {
    const writer = new vscode.EventEmitter<string>();
    const closer = new vscode.EventEmitter<number>();
    return {
      onDidWrite: writer.event,
      onDidClose: closer.event,
      open: () => {
        writer.fire(`\x1b[31m${text}\x1b[0m\r\n`);
        this.finished.fire({ task: name, exitCode: 1 });
        closer.fire(1);
      },
      close: () => undefined,
    };
  }
}

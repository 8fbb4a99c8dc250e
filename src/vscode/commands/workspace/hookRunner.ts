import * as vscode from 'vscode';
import { execWithEnv } from '../../../core/workspace/execEnv';
import type { WorkspaceHookRunner } from '../../../core/workspace/hooks';
import type { LifecycleExecContext } from '../../../core/workspace/lifecycle';
import { ExecPty } from '../../terminals/execPty';
import { HostPty } from '../../terminals/hostPty';
import type { ContainerRuntime } from '../../../core/runtime/types';
import type { CommandDeps } from '../types';

/** The terminals of the last hook run per folder (kept to be read until the next run). */
const hookTerminals = new Map<string, { terminal: vscode.Terminal; ended: boolean }[]>();

/** A hook terminal's title: the hook (and entry), where its command is from, the folder. */
function hookTitle(ctx: LifecycleExecContext, folderName: string): string {
  const hook = ctx.name !== undefined ? `${ctx.hook} "${ctx.name}"` : ctx.hook;
  return ctx.source === 'devcontainer.json'
    ? vscode.l10n.t('{0}: {1}', hook, folderName)
    : vscode.l10n.t('{0} ({1}): {2}', hook, ctx.source, folderName);
}

/**
 * Runs each lifecycle command in a terminal of its own the user sees, in order (a parallel entry's
 * terminals side by side): in the container as the remote user with remoteEnv, initializeCommand
 * on this machine. Each terminal stays open to be read; its exit code is logged.
 */
export function hookRunner(
  deps: CommandDeps,
  folder: { name: string; path: string },
  rt: ContainerRuntime,
): WorkspaceHookRunner {
  const folderName = folder.name;
  let first = true;
  /** Shows the terminal; the returned function marks its command as ended. */
  const shown = (title: string, pty: (ended: () => void) => vscode.Pseudoterminal) => {
    // A new run's terminals replace the last run's for the folder (those whose command has ended).
    if (first) {
      first = false;
      const last = hookTerminals.get(folder.path) ?? [];
      last.filter((h) => h.ended).forEach((h) => h.terminal.dispose());
      hookTerminals.set(
        folder.path,
        last.filter((h) => !h.ended),
      );
    }
    const entry = { terminal: undefined as unknown as vscode.Terminal, ended: false };
    entry.terminal = vscode.window.createTerminal({
      name: title,
      iconPath: new vscode.ThemeIcon('tools'),
      pty: pty(() => (entry.ended = true)),
    });
    hookTerminals.get(folder.path)?.push(entry);
    entry.terminal.show(true);
  };
  const logged = (ctx: LifecycleExecContext, where: string, code: number) => {
    deps.log.info(
      `${ctx.hook}${ctx.name !== undefined ? ` "${ctx.name}"` : ''} (${ctx.source}) in ${where}: exit code ${code}`,
    );
    return { exitCode: code };
  };
  return {
    inContainer: (argv, ctx, at) =>
      new Promise((resolve) => {
        const { cmd, env } = execWithEnv(argv, at.env);
        shown(
          hookTitle(ctx, folderName),
          (ended) =>
            new ExecPty(rt, at.containerId, {
              cmd,
              workingDir: at.workspaceFolder,
              user: at.user,
              env,
              onExit: (code) => {
                ended();
                resolve(logged(ctx, at.containerName, code));
              },
            }),
        );
      }),
    onHost: (argv, ctx, cwd) =>
      new Promise((resolve) => {
        shown(
          hookTitle(ctx, folderName),
          (ended) =>
            new HostPty(argv, {
              cwd,
              onExit: (code) => {
                ended();
                resolve(logged(ctx, 'this machine', code));
              },
            }),
        );
      }),
  };
}

import * as vscode from 'vscode';
import {
  composeInvocation,
  composeMissingHint,
  findComposeTool,
  type ComposeInvocation,
  type ComposeTool,
} from '../../../core/compose/composeTool';
import type { CommandDeps } from '../types';
import type { ComposeTarget } from './composeTarget';

/**
 * The Compose tool for the active runtime and the invocation of a verb, or undefined after telling
 * the user why not: an untrusted folder (its Compose files would run), a runtime without Compose,
 * no tool installed.
 */
export async function prepareCompose(
  deps: CommandDeps,
  target: ComposeTarget,
  verbArgs: string[],
): Promise<{ tool: ComposeTool; inv: ComposeInvocation } | undefined> {
  if (!vscode.workspace.isTrusted) {
    const manage = 'Manage Workspace Trust';
    const c = await vscode.window.showWarningMessage(
      "Compose runs what this folder's Compose files say; trust the folder first.",
      manage,
    );
    if (c === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return undefined;
  }
  const rt = deps.session.runtime;
  const id = deps.session.runtimeId;
  if (!rt || (id !== 'docker' && id !== 'podman')) {
    void vscode.window
      .showWarningMessage(
        `Compose needs Docker or Podman; the active runtime is ${deps.session.label}.`,
        'Switch Runtime',
      )
      .then((c) => c && vscode.commands.executeCommand('containerWorkspaces.selectRuntime'));
    return undefined;
  }
  const tool = await findComposeTool(id);
  if (!tool) {
    void vscode.window.showErrorMessage(`No Compose tool found for ${deps.session.label}. ${composeMissingHint(id)}`);
    return undefined;
  }
  const args = target.service ? [...verbArgs, target.service] : verbArgs;
  return { tool, inv: composeInvocation(tool, target.project, args, { endpointUrl: rt.endpoint }) };
}

/** The command line as a person would type it (for the output channel only; never run). */
export function displayCommand(inv: ComposeInvocation): string {
  return [inv.command, ...inv.args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))
    .join(' ');
}

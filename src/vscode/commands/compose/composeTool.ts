import * as vscode from 'vscode';
import { RuntimeError } from '../../../core/runtime/errors';
import type { ComposeInvocation, ComposeTool } from '../../../core/compose/composeTool';
import { loadDetection } from '../../detection/loadDetection';
import { offerSwitchRuntime, requireTrust } from '../../ui/notify';
import type { CommandDeps } from '../types';
import type { ComposeTarget } from './composeTarget';

/** Whether Compose may run here: in an untrusted folder says why not (its Compose files would run). */
export function composeTrusted(): boolean {
  return requireTrust(vscode.l10n.t("Compose runs what this folder's Compose files say; trust the folder first."));
}

/**
 * The Compose tool for the active runtime and the invocation of a verb, or undefined after telling
 * the user why not: an untrusted folder (its Compose files would run), a runtime without Compose.
 * No tool installed is thrown (a RuntimeError with the hint how to get one).
 */
export async function prepareCompose(
  deps: CommandDeps,
  target: ComposeTarget,
  verbArgs: string[],
): Promise<{ tool: ComposeTool; inv: ComposeInvocation } | undefined> {
  if (!composeTrusted()) return undefined;
  const rt = deps.session.runtime;
  const id = deps.session.runtimeId;
  if (!rt || (id !== 'docker' && id !== 'podman')) {
    offerSwitchRuntime(vscode.l10n.t('Compose needs Docker or Podman; the active runtime is {0}.', deps.session.label));
    return undefined;
  }
  const tool = await loadDetection().findComposeTool(id);
  if (!tool) {
    throw new RuntimeError(
      'notFound',
      vscode.l10n.t('No Compose tool found for {0}.', deps.session.label),
      loadDetection().composeMissingHint(id),
    );
  }
  const args = target.service ? [...verbArgs, target.service] : verbArgs;
  return { tool, inv: loadDetection().composeInvocation(tool, target.project, args, { endpointUrl: rt.endpoint }) };
}

/** The command line as a person would type it (for the output channel only; never run). */
export function displayCommand(inv: ComposeInvocation): string {
  return [inv.command, ...inv.args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))
    .join(' ');
}

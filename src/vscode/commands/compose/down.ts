import * as vscode from 'vscode';
import { shownName } from '../../ui/format';
import type { Command, CommandDeps } from '../types';
import { composeTarget } from './composeTarget';
import { composeTrusted } from './composeTool';
import { runComposeVerb } from './runComposeVerb';
import { LABELS } from '../../../core/runtime/labels';
import type { ContainerSummary } from '../../../core/runtime/types';
import { windowForwarding } from '../../forwarding/forwarding';

/** The project's containers that borrow from this machine (a workspace container made from a service). */
async function forwardingContainers(deps: CommandDeps, project: string): Promise<ContainerSummary[]> {
  const list = await deps.session.runtime?.listContainers({ all: true }).catch(() => []);
  return (list ?? []).filter((c) => c.labels[LABELS.composeProject] === project && c.labels[LABELS.forward]);
}

/** `down` for a whole project, after a modal confirmation; volumes are kept unless asked. */
export const composeDown: Command = {
  id: 'containerWorkspaces.composeDown',
  async run(deps, ...args) {
    const target = await composeTarget(deps, args, { title: vscode.l10n.t('Compose Down'), services: 'none' });
    if (!target) return undefined;
    // Before the question: in an untrusted folder the answer would not matter.
    if (!composeTrusted()) return undefined;
    const down = vscode.l10n.t('Down');
    const withVolumes = vscode.l10n.t('Down and Remove Volumes');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Take Compose project “{0}” down?', shownName(target.project.name)),
      {
        modal: true,
        detail: vscode.l10n.t(
          'Its containers and networks are removed. Volumes are kept unless you choose “Down and Remove Volumes”.',
        ),
      },
      down,
      withVolumes,
    );
    if (!choice) return undefined;
    const borrowing = await forwardingContainers(deps, target.project.name);
    const exitCode = await runComposeVerb(deps, target, {
      title: 'Down',
      args: choice === withVolumes ? ['down', '--volumes'] : ['down'],
      texts: {
        progress: (name) => vscode.l10n.t('Compose Down: {0}', name),
        failed: (name, exitCode) => vscode.l10n.t('Compose Down failed for {0} (exit code {1})', name, exitCode),
      },
    });
    // The workspace container went with the project: its forwarding folder goes too.
    if (exitCode === 0) for (const c of borrowing) await windowForwarding.removed(c.labels, c.id);
    return exitCode;
  },
};

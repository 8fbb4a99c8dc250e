import * as vscode from 'vscode';
import { formatError } from '../ui/format';
import { notify, retryAction, showLogAction, switchRuntimeAction } from '../ui/notify';
import type { Command } from './types';

/** Explains why the runtime is unreachable and how to start it, with the next steps as buttons. */
export const showRuntimeHelp: Command = {
  id: 'containerWorkspaces.showRuntimeHelp',
  async run({ session }) {
    if (session.state === 'ready') {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('{0} {1} is running.', session.label, session.info?.version ?? ''),
      );
      return;
    }
    // A notification shows no `detail`: the hint goes in the message.
    const message = formatError({
      message: session.error?.message ?? vscode.l10n.t('{0} is not reachable.', session.label),
      hint: session.hint(),
    });
    await notify('warning', message, [retryAction(() => session.connect()), switchRuntimeAction(), showLogAction()]);
  },
};

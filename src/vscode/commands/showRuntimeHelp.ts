import * as vscode from 'vscode';
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
    const message = session.error?.message ?? vscode.l10n.t('{0} is not reachable.', session.label);
    await notify('warning', message, [retryAction(() => session.connect()), switchRuntimeAction(), showLogAction()], {
      modal: false,
      detail: session.hint(),
    });
  },
};

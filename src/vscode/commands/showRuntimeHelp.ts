import * as vscode from 'vscode';
import type { Command } from './types';

/** Explains why the runtime is unreachable and how to start it, with the next steps as buttons. */
export const showRuntimeHelp: Command = {
  id: 'containerWorkspaces.showRuntimeHelp',
  async run({ session, log }) {
    if (session.state === 'ready') {
      void vscode.window.showInformationMessage(`${session.label} ${session.info?.version ?? ''} is running.`);
      return;
    }
    const message = session.error?.message ?? `${session.label} is not reachable.`;
    const choice = await vscode.window.showWarningMessage(
      message,
      { modal: false, detail: session.hint() },
      'Retry',
      'Switch Runtime',
      'Show Log',
    );
    if (choice === 'Retry') await session.connect();
    else if (choice === 'Switch Runtime') await vscode.commands.executeCommand('containerWorkspaces.selectRuntime');
    else if (choice === 'Show Log') log.show();
  },
};

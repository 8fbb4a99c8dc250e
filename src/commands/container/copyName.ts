import * as vscode from 'vscode';
import type { Command } from '../types';
import { containerTargets } from './targets';

/** Copies the name(s) of the selected containers, one per line. */
export const copyContainerName: Command = {
  id: 'containerWorkspaces.copyContainerName',
  async run(deps, ...args) {
    const list = await containerTargets(deps, args, { verb: 'Copy Name of', many: true });
    if (!list.length) return;
    await vscode.env.clipboard.writeText(list.map((c) => c.name).join('\n'));
    vscode.window.setStatusBarMessage(`Copied ${list.length === 1 ? list[0].name : `${list.length} names`}`, 3000);
  },
};

import * as vscode from 'vscode';
import type { Command } from '../types';
import { containerTargets } from './targets';

/** Copies the full id(s) of the selected containers, one per line. */
export const copyContainerId: Command = {
  id: 'containerWorkspaces.copyContainerId',
  async run(deps, ...args) {
    const list = await containerTargets(deps, args, { verb: 'Copy ID of', many: true });
    if (!list.length) return;
    await vscode.env.clipboard.writeText(list.map((c) => c.id).join('\n'));
    vscode.window.setStatusBarMessage(`Copied ${list.length === 1 ? `the ID of ${list[0].name}` : `${list.length} IDs`}`, 3000);
  },
};

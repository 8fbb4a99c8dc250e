import * as vscode from 'vscode';
import type { ContainerSummary } from '../../../core/runtime/types';
import type { Command } from '../types';
import { containerTargets } from './targets';

/** Copies one field of the selected (or picked) containers, one per line. */
export function copyCommand(id: string, what: 'ID' | 'Name', field: (c: ContainerSummary) => string): Command {
  return {
    id,
    async run(deps, ...args) {
      const list = await containerTargets(deps, args, { verb: `Copy ${what} of`, many: true });
      if (!list.length) return;
      await vscode.env.clipboard.writeText(list.map(field).join('\n'));
      vscode.window.setStatusBarMessage(
        `Copied ${list.length === 1 ? `the ${what.toLowerCase()} of ${list[0].name}` : `${list.length} ${what.toLowerCase()}s`}`,
        3000,
      );
    },
  };
}

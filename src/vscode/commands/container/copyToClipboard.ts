import * as vscode from 'vscode';
import type { ContainerSummary } from '../../../core/runtime/types';
import type { Command } from '../types';
import { containerTargets, type TargetTexts } from './targets';

/** What a copy command says, in the user's language. */
export interface CopyTexts extends TargetTexts {
  /** "Copied the id of web". */
  one: (name: string) => string;
  /** "Copied 3 ids". */
  many: (count: number) => string;
}

/** Copies one field of the selected (or picked) containers, one per line. */
export function copyCommand(id: string, field: (c: ContainerSummary) => string, texts: () => CopyTexts): Command {
  return {
    id,
    async run(deps, ...args) {
      const t = texts();
      const list = await containerTargets(deps, args, { texts: t, many: true });
      if (!list.length) return;
      await vscode.env.clipboard.writeText(list.map(field).join('\n'));
      vscode.window.setStatusBarMessage(list.length === 1 ? t.one(list[0].name) : t.many(list.length), 3000);
    },
  };
}

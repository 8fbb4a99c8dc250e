import * as vscode from 'vscode';
import { RuntimeError } from '../../../core/runtime/errors';
import type { ContainerRuntime } from '../../../core/runtime/types';
import type { CommandDeps } from '../types';

/** The runtime to act on; none (or not answering) is said as the session says it. */
export function readyRuntime(deps: CommandDeps): ContainerRuntime {
  const rt = deps.session.state === 'ready' ? deps.session.runtime : undefined;
  if (!rt)
    throw (
      deps.session.error ??
      new RuntimeError('unavailable', vscode.l10n.t('No container runtime is selected.'), deps.session.hint())
    );
  return rt;
}

/**
 * What a command acts on: the view's selection (or the row it was invoked on), else — from the
 * palette — a pick of `items()` (read from the engine there and then).
 */
export async function resourceTargets<T>(
  args: unknown[],
  fromNode: (a: unknown) => T | undefined,
  o: { items: () => Promise<{ label: string; description?: string; value: T }[]>; title: string; none: string },
): Promise<T[]> {
  const [node, selection] = args;
  const fromTree = (Array.isArray(selection) && selection.length ? selection : [node])
    .map(fromNode)
    .filter((t): t is T => t !== undefined);
  if (fromTree.length) return fromTree;
  const items = await o.items();
  if (!items.length) {
    void vscode.window.showInformationMessage(o.none);
    return [];
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: o.title,
    canPickMany: true,
    matchOnDescription: true,
  });
  return (picked ?? []).map((p) => p.value);
}

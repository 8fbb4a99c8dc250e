import * as vscode from 'vscode';
import type { ContainerState, ContainerSummary } from '../../../core/runtime/types';
import { ContainerNode } from '../../views/containers/containersTree';
import { ReplicaNode } from '../../views/services/servicesTree';
import { stateText } from '../../views/containers/containerItem';
import type { CommandDeps } from '../types';

interface PickOptions {
  /** "Stop", for the quick pick's title. */
  verb: string;
  /** Only containers in these states are offered (and acted on). */
  states?: readonly ContainerState[];
  many: boolean;
}

interface ContainerPick extends vscode.QuickPickItem {
  container: ContainerSummary;
}

/** The container of a tree node (Containers or Services view), if it is one. */
export function fromArg(a: unknown): ContainerSummary | undefined {
  if (a instanceof ContainerNode || a instanceof ReplicaNode) return a.container;
  return undefined;
}

/**
 * The containers a command acts on: the tree's selection (multi-selection included), the node it was
 * invoked on, or — from the palette — a quick pick of the containers it applies to.
 */
export async function containerTargets(
  deps: CommandDeps,
  args: unknown[],
  o: PickOptions,
): Promise<ContainerSummary[]> {
  const [node, selection] = args;
  const fromTree = (Array.isArray(selection) && selection.length ? selection : [node])
    .map(fromArg)
    .filter((c): c is ContainerSummary => !!c);
  const applies = (c: ContainerSummary) => !o.states || o.states.includes(c.state);
  if (fromTree.length) return fromTree.filter(applies);
  let list: ContainerSummary[];
  try {
    list = (await deps.live.snapshot()).filter(applies);
  } catch (err) {
    void vscode.window.showErrorMessage(deps.session.reportFailure(err).message);
    return [];
  }
  if (!list.length) {
    void vscode.window.showInformationMessage(`No container to ${o.verb.toLowerCase()}.`);
    return [];
  }
  const items: ContainerPick[] = list
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => ({
      label: c.name,
      description: `${c.image}${stateText(c) ? ` · ${stateText(c)}` : c.state === 'running' ? ' · running' : ''}`,
      container: c,
    }));
  const title = `${o.verb} Container${o.many ? 's' : ''}`;
  if (o.many) {
    const picks = await vscode.window.showQuickPick(items, {
      title,
      canPickMany: true,
      placeHolder: 'Choose containers',
      matchOnDescription: true,
    });
    return picks?.map((p) => p.container) ?? [];
  }
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'Choose a container',
    matchOnDescription: true,
  });
  return pick ? [pick.container] : [];
}

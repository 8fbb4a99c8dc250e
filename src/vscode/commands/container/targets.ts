import * as vscode from 'vscode';
import type { ContainerState, ContainerSummary } from '../../../core/runtime/types';
import { ContainerNode } from '../../views/containers/containersTree';
import { ReplicaNode } from '../../views/services/servicesTree';
import { stateText } from '../../views/containers/containerItem';
import type { CommandDeps } from '../types';

/** What the quick pick says, in the user's language. */
export interface TargetTexts {
  /** Its title: "Stop Containers". */
  title: string;
  /** When no container applies: "No container to stop.". */
  none: string;
}

interface PickOptions {
  texts: TargetTexts;
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

/** "busybox · exited (0)": the image, and the state when the icon alone would say it. */
function pickDescription(c: ContainerSummary): string {
  const state = stateText(c) ?? (c.state === 'running' ? vscode.l10n.t('running') : undefined);
  return state ? `${c.image} · ${state}` : c.image;
}

/**
 * The containers a command acts on: the tree's selection (multi-selection included), the node it was
 * invoked on, or — from the palette — a quick pick of the containers it applies to. A list that
 * cannot be read is thrown (for the command's wrapper to show).
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
    throw deps.session.classifyFailure(err);
  }
  if (!list.length) {
    void vscode.window.showInformationMessage(o.texts.none);
    return [];
  }
  const items: ContainerPick[] = list
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => ({ label: c.name, description: pickDescription(c), container: c }));
  const title = o.texts.title;
  if (o.many) {
    const picks = await vscode.window.showQuickPick(items, {
      title,
      canPickMany: true,
      placeHolder: vscode.l10n.t('Choose containers'),
      matchOnDescription: true,
    });
    return picks?.map((p) => p.container) ?? [];
  }
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: vscode.l10n.t('Choose a container'),
    matchOnDescription: true,
  });
  return pick ? [pick.container] : [];
}

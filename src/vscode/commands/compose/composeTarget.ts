import * as vscode from 'vscode';
import type { ComposeProject } from '../../../core/detection/types';
import { ProjectNode, ReplicaNode, ServiceNode } from '../../views/services/servicesTree';
import type { CommandDeps } from '../types';

export interface ComposeTarget {
  folder: string;
  project: ComposeProject;
  /** A single service; undefined = the whole project. */
  service?: string;
}

interface TargetPick extends vscode.QuickPickItem {
  target: ComposeTarget;
}

type ServiceChoice = 'allowed' | 'required' | 'none';

/** The target of the project, service or replica node a command was invoked on, if it fits. */
function fromNode(arg: unknown, services: ServiceChoice): ComposeTarget | undefined {
  let node = arg;
  if (node instanceof ReplicaNode && node.parent instanceof ServiceNode) node = node.parent;
  if (node instanceof ServiceNode && services !== 'none')
    return { folder: node.parent.folder, project: node.parent.project, service: node.service.name };
  if (node instanceof ServiceNode) return { folder: node.parent.folder, project: node.parent.project };
  if (node instanceof ProjectNode && services !== 'required') return { folder: node.folder, project: node.project };
  return undefined;
}

/** The workspace's projects and (as `services` allows) their services, for the pick. */
function targetPicks(deps: CommandDeps, services: ServiceChoice): TargetPick[] {
  const items: TargetPick[] = [];
  for (const { folder, project } of deps.services.projects) {
    if (services !== 'required') {
      items.push({
        label: project.name,
        description: vscode.l10n.t('{0} services', project.services.length),
        detail: folder,
        target: { folder, project },
      });
    }
    if (services !== 'none') {
      for (const s of project.services) {
        items.push({
          label: `${project.name} › ${s.name}`,
          description: s.image ?? (s.build ? vscode.l10n.t('build') : ''),
          target: { folder, project, service: s.name },
        });
      }
    }
  }
  return items;
}

/**
 * What a Compose command acts on: the project or service node it was invoked on, or — from the
 * palette — a pick of the workspace's projects (and their services, when `services` allows).
 */
export async function composeTarget(
  deps: CommandDeps,
  args: unknown[],
  /** `title`: the pick's, in the user's language ("Compose Up"). */
  o: { title: string; services: ServiceChoice },
): Promise<ComposeTarget | undefined> {
  const given = fromNode(args[0], o.services);
  if (given) return given;
  if (!deps.services.projects.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This workspace has no Compose project.'));
    return undefined;
  }
  const items = targetPicks(deps, o.services);
  if (items.length === 1) return items[0].target;
  const pick = await vscode.window.showQuickPick(items, {
    title: o.title,
    placeHolder:
      o.services === 'required' ? vscode.l10n.t('Choose a service') : vscode.l10n.t('Choose a project or service'),
  });
  return pick?.target;
}

/** "cws-sample" or "cws-sample › web", for messages. */
export function targetName(t: ComposeTarget): string {
  return t.service ? `${t.project.name} › ${t.service}` : t.project.name;
}

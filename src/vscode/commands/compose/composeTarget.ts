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

/**
 * What a Compose command acts on: the project or service node it was invoked on, or — from the
 * palette — a pick of the workspace's projects (and their services, when `services` allows).
 */
export async function composeTarget(
  deps: CommandDeps,
  args: unknown[],
  o: { verb: string; services: 'allowed' | 'required' | 'none' },
): Promise<ComposeTarget | undefined> {
  let node = args[0];
  if (node instanceof ReplicaNode && node.parent instanceof ServiceNode) node = node.parent;
  if (node instanceof ServiceNode && o.services !== 'none')
    return { folder: node.parent.folder, project: node.parent.project, service: node.service.name };
  if (node instanceof ServiceNode) return { folder: node.parent.folder, project: node.parent.project };
  if (node instanceof ProjectNode && o.services !== 'required') return { folder: node.folder, project: node.project };
  const projects = deps.services.projects;
  if (!projects.length) {
    void vscode.window.showInformationMessage('This workspace has no Compose project.');
    return undefined;
  }
  const items: TargetPick[] = [];
  for (const { folder, project } of projects) {
    if (o.services !== 'required') {
      items.push({
        label: project.name,
        description: `${project.services.length} services`,
        detail: folder,
        target: { folder, project },
      });
    }
    if (o.services !== 'none') {
      for (const s of project.services) {
        items.push({
          label: `${project.name} › ${s.name}`,
          description: s.image ?? (s.build ? 'build' : ''),
          target: { folder, project, service: s.name },
        });
      }
    }
  }
  if (items.length === 1) return items[0].target;
  const pick = await vscode.window.showQuickPick(items, {
    title: `Compose ${o.verb}`,
    placeHolder: o.services === 'required' ? 'Choose a service' : 'Choose a project or service',
  });
  return pick?.target;
}

/** "cws-sample" or "cws-sample › web", for messages. */
export function targetName(t: ComposeTarget): string {
  return t.service ? `${t.project.name} › ${t.service}` : t.project.name;
}

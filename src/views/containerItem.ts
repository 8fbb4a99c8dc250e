import * as vscode from 'vscode';
import type { ContainerState, ContainerSummary } from '../runtime/types';

const ICONS: Record<ContainerState, [string, string | undefined]> = {
  running: ['vm-running', 'charts.green'],
  paused: ['debug-pause', 'charts.yellow'],
  restarting: ['debug-restart', 'charts.yellow'],
  removing: ['trash', 'disabledForeground'],
  created: ['vm-outline', undefined],
  exited: ['vm-outline', 'disabledForeground'],
  dead: ['error', 'charts.red'],
  unknown: ['question', undefined],
};

/** One container row: name, image, an icon by state, a tooltip with the details. */
export function containerItem(c: ContainerSummary): vscode.TreeItem {
  const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
  item.id = `container:${c.id}`;
  item.description = c.image;
  const [icon, color] = ICONS[c.state];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  item.contextValue = `container.${c.state}`;
  item.accessibilityInformation = { label: `${c.name}, ${c.image}, ${c.state}` };
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${escape(c.name)}** · ${c.state}\n\n`);
  tip.appendMarkdown(`Image: \`${escape(c.image)}\`\n\n`);
  if (c.status) tip.appendMarkdown(`Status: ${escape(c.status)}\n\n`);
  if (c.ports.length) {
    tip.appendMarkdown(`Ports: ${c.ports.map((p) => `${p.hostPort ? `${p.hostPort}→` : ''}${p.containerPort}/${p.protocol}`).join(', ')}\n\n`);
  }
  tip.appendMarkdown(`ID: \`${c.id.slice(0, 12)}\``);
  item.tooltip = tip;
  return item;
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

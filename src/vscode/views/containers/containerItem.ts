import * as vscode from 'vscode';
import type { ContainerState, ContainerSummary, RuntimeCapabilities } from '../../../core/runtime/types';
import type { TunnelInfo } from '../../tunnels/tunnelManager';
import { stateWord } from '../../ui/stateWords';
import { containerContextValue } from '../contextValues';
import { LABELS } from '../../../core/runtime/labels';
import { shortRepoAddress } from '../../../core/workspace/repoAddress';
import { workspaceUri } from '../workspaceDecorations';

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

/** The icon for a container's state and health. */
export function containerIcon(c: Pick<ContainerSummary, 'state' | 'health'>): vscode.ThemeIcon {
  if (c.state === 'running' && c.health === 'unhealthy')
    return new vscode.ThemeIcon('vm-outline', new vscode.ThemeColor('charts.red'));
  if (c.state === 'running' && c.health === 'starting')
    return new vscode.ThemeIcon('vm-active', new vscode.ThemeColor('charts.yellow'));
  const [icon, color] = ICONS[c.state];
  return new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
}

/**
 * The state in words, only where the icon alone does not say enough. It never holds a running time
 * ("Up 5 minutes"), so rows do not need repainting as time passes; the tooltip has that.
 */
export function stateText(c: Pick<ContainerSummary, 'state' | 'health' | 'exitCode'>): string | undefined {
  switch (c.state) {
    case 'running':
      if (c.health === 'unhealthy') return vscode.l10n.t('unhealthy');
      return c.health === 'starting' ? vscode.l10n.t('starting') : undefined;
    case 'exited':
      return c.exitCode === undefined ? stateWord('exited') : vscode.l10n.t('exited ({0})', c.exitCode);
    default:
      return stateWord(c.state);
  }
}

/** The tunnel on a container's row: its address once known, else how far it got. */
function tunnelText(tunnel: TunnelInfo): string {
  if (tunnel.url) return vscode.l10n.t('tunnel {0}', tunnel.url.replace(/^https:\/\//, ''));
  return tunnel.login ? vscode.l10n.t('tunnel: sign-in needed') : vscode.l10n.t('tunnel starting');
}

/** One container row: name, image (and state when not plainly running), icon by state and health. */
export function containerItem(
  c: ContainerSummary,
  o: { id: string; caps?: RuntimeCapabilities; workspace?: string; tunnel?: TunnelInfo },
): vscode.TreeItem {
  const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
  item.id = o.id;
  const text = stateText(c);
  // The state first: in a narrow sidebar the end of the description is what gets cut off.
  const tunnel = o.tunnel ? tunnelText(o.tunnel) : undefined;
  // A workspace cloned into a volume is known by its repository, not its image.
  const repo = c.labels[LABELS.repo] ? shortRepoAddress(c.labels[LABELS.repo]) : undefined;
  item.description = [text, tunnel, repo ? vscode.l10n.t('clone of {0}', repo) : c.image].filter(Boolean).join(' · ');
  item.iconPath = containerIcon(c);
  item.contextValue = containerContextValue(c, o.caps, o.tunnel);
  if (o.workspace) item.resourceUri = workspaceUri(`container/${c.id}`);
  const state = text ?? stateWord(c.state);
  item.accessibilityInformation = {
    label: repo
      ? vscode.l10n.t('{0}, clone of {1}, {2}', c.name, repo, state)
      : o.workspace
        ? vscode.l10n.t('{0}, {1}, {2}, in this workspace', c.name, c.image, state)
        : vscode.l10n.t('{0}, {1}, {2}', c.name, c.image, state),
  };
  return item;
}

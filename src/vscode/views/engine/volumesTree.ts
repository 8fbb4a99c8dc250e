import * as vscode from 'vscode';
import type { ResourceStore } from '../../../core/live/resourceStore';
import type { VolumeSummary } from '../../../core/runtime/types';
import type { VolumeRow } from '../../../core/inventory/volumes';
import { loadDetection } from '../../detection/loadDetection';
import type { LiveContainers } from '../../live/liveContainers';
import type { RuntimeSession } from '../../runtimeSession';
import { ago, md } from '../containers/containerTooltip';
import { volumeContextValue } from '../contextValues';
import { containerNames, ResourceTree } from './resourceTree';

export class VolumeNode {
  readonly kind = 'volume';
  constructor(readonly row: VolumeRow) {}
}

/** The Volumes view: each volume, its driver, and the containers that mount it. */
export class VolumesTree extends ResourceTree<VolumeNode> {
  constructor(session: RuntimeSession, live: LiveContainers, store: ResourceStore<VolumeSummary>) {
    super(session, live, store);
  }

  get rows(): VolumeRow[] {
    return this.ready ? loadDetection().volumeInventory(this.store.items as VolumeSummary[], this.containers) : [];
  }

  getChildren(node?: VolumeNode): VolumeNode[] {
    return node ? [] : this.rows.map((r) => new VolumeNode(r));
  }

  getTreeItem({ row }: VolumeNode): vscode.TreeItem {
    const v = row.volume;
    const item = new vscode.TreeItem(v.name, vscode.TreeItemCollapsibleState.None);
    item.id = `volume:${v.name}`;
    const users = row.usedBy.length;
    item.description = [
      users
        ? users === 1
          ? vscode.l10n.t('used by {0}', row.usedBy[0].name)
          : vscode.l10n.t('used by {0}', users)
        : undefined,
      v.driver,
    ]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = new vscode.ThemeIcon('database', users ? new vscode.ThemeColor('charts.green') : undefined);
    item.contextValue = volumeContextValue(users > 0);
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${md(v.name)}**\n\n${md(vscode.l10n.t('Driver: {0}', v.driver))}`);
    if (v.created) tip.appendMarkdown(` · ${md(vscode.l10n.t('created {0}', ago(v.created)))}`);
    if (v.mountpoint) tip.appendMarkdown(`\n\n$(folder) ${md(v.mountpoint)}`);
    if (users) tip.appendMarkdown(`\n\n$(vm-running) ${md(vscode.l10n.t('Used by {0}', containerNames(row.usedBy)))}`);
    item.tooltip = tip;
    item.accessibilityInformation = {
      label: users
        ? vscode.l10n.t('volume {0}, used by {1}', v.name, containerNames(row.usedBy))
        : vscode.l10n.t('volume {0}, unused', v.name),
    };
    return item;
  }
}

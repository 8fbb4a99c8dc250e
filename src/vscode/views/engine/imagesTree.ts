import * as vscode from 'vscode';
import type { ImageInventory, ImageRow } from '../../../core/inventory/images';
import { loadDetection } from '../../detection/loadDetection';
import type { ResourceStore } from '../../../core/live/resourceStore';
import type { ImageSummary } from '../../../core/runtime/types';
import { formatBytes } from '../../../core/text/bytes';
import type { LiveContainers } from '../../live/liveContainers';
import type { RuntimeSession } from '../../runtimeSession';
import { ago, md } from '../containers/containerTooltip';
import { imageContextValue, imageGroupContextValue } from '../contextValues';
import { containerNames, ResourceTree } from './resourceTree';

/** A repository and its tags, or the dangling images. */
export class RepositoryNode {
  readonly kind = 'repository';
  constructor(
    readonly repository: string,
    readonly rows: ImageRow[],
    readonly dangling: boolean,
  ) {}
}

export class ImageNode {
  readonly kind = 'image';
  constructor(readonly row: ImageRow) {}
}

export type ImagesNode = RepositoryNode | ImageNode;

/**
 * The Images view: repositories (sorted) with their tags as rows — size, age, a marker when a
 * container uses the image — and the dangling images in a group of their own, last.
 */
export class ImagesTree extends ResourceTree<ImagesNode> {
  constructor(session: RuntimeSession, live: LiveContainers, store: ResourceStore<ImageSummary>) {
    super(session, live, store);
  }

  /** What the view shows now (for commands and tests). */
  get inventory(): ImageInventory {
    const images = this.ready ? (this.store.items as ImageSummary[]) : [];
    return loadDetection().imageInventory(images, this.ready ? this.containers : []);
  }

  getChildren(node?: ImagesNode): ImagesNode[] {
    if (node instanceof RepositoryNode) return node.rows.map((r) => new ImageNode(r));
    if (node) return [];
    const inv = this.inventory;
    const top = inv.groups.map((g) => new RepositoryNode(g.repository, g.rows, false));
    if (inv.dangling.length) top.push(new RepositoryNode('', inv.dangling, true));
    return top;
  }

  getTreeItem(node: ImagesNode): vscode.TreeItem {
    if (node instanceof RepositoryNode) {
      const label = node.dangling ? vscode.l10n.t('Dangling images') : node.repository;
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.dangling ? 'dangling' : `repo:${node.repository}`;
      item.description =
        node.rows.length === 1 ? vscode.l10n.t('1 image') : vscode.l10n.t('{0} images', node.rows.length);
      item.iconPath = new vscode.ThemeIcon(node.dangling ? 'circle-slash' : 'repo');
      item.contextValue = imageGroupContextValue(node.dangling);
      return item;
    }
    const r = node.row;
    const dangling = !r.image.tags.length;
    const label = dangling ? r.image.id.replace(/^sha256:/, '').slice(0, 12) : r.tag;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `image:${r.ref}`;
    const used = r.usedBy.length ? vscode.l10n.t('in use') : undefined;
    item.description = [used, formatBytes(r.image.size), r.image.created ? ago(r.image.created) : undefined]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      r.usedBy.length ? 'layers-active' : 'layers',
      r.usedBy.length ? new vscode.ThemeColor('charts.green') : undefined,
    );
    item.contextValue = imageContextValue({ inUse: r.usedBy.length > 0, dangling });
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${md(dangling ? label : r.ref)}**\n\n`);
    tip.appendMarkdown(`$(symbol-key) ${md(r.image.id)}\n\n`);
    tip.appendMarkdown(`${md(formatBytes(r.image.size))}`);
    if (r.image.created) tip.appendMarkdown(` · ${md(vscode.l10n.t('created {0}', ago(r.image.created)))}`);
    if (r.usedBy.length)
      tip.appendMarkdown(`\n\n$(vm-running) ${md(vscode.l10n.t('Used by {0}', containerNames(r.usedBy)))}`);
    item.tooltip = tip;
    item.accessibilityInformation = {
      label: r.usedBy.length
        ? vscode.l10n.t(
            '{0}, {1}, in use by {2}',
            dangling ? label : r.ref,
            formatBytes(r.image.size),
            containerNames(r.usedBy),
          )
        : vscode.l10n.t('{0}, {1}', dangling ? label : r.ref, formatBytes(r.image.size)),
    };
    return item;
  }
}

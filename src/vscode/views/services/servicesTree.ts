import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { ComposeProject, ComposeService, DevcontainerConfig } from '../../../core/detection/types';
import {
  composeServiceContainers,
  devcontainerContainers,
  statusOf,
  type ServiceStatus,
} from '../../../core/workspace/membership';
import { hooksOf, summarize } from '../../../core/detection/summary';
import { LABELS } from '../../../core/runtime/labels';
import type { StoreChange } from '../../../core/live/containerStore';
import type { ContainerSummary } from '../../../core/runtime/types';
import type { RuntimeSession } from '../../runtimeSession';
import type { WorkspaceContextService } from '../../detection/workspaceContextService';
import { containerItem } from '../containers/containerItem';
import { containerTooltip } from '../containers/containerTooltip';
import { composeProjectContextValue, composeServiceContextValue, devcontainerContextValue } from '../contextValues';
import type { LiveContainers } from '../../live/liveContainers';
import { stateWord } from '../../ui/stateWords';
import { serviceIcon } from './serviceIcon';
import { serviceStatusText } from './serviceText';

/** Text as Markdown shows it literally (what MarkdownString.appendText adds). */
const literal = (text: string) => new vscode.MarkdownString().appendText(text).value;

export class ProjectNode {
  readonly kind = 'project';
  constructor(
    readonly folder: string,
    public project: ComposeProject,
  ) {}
  get id(): string {
    return `project:${this.folder}:${this.project.name}`;
  }
}

export class ServiceNode {
  readonly kind = 'service';
  constructor(
    readonly parent: ProjectNode,
    public service: ComposeService,
  ) {}
  get id(): string {
    return `service:${this.parent.folder}:${this.parent.project.name}:${this.service.name}`;
  }
}

export class DevcontainerNode {
  readonly kind = 'devcontainer';
  constructor(
    readonly folder: string,
    public config: DevcontainerConfig,
  ) {}
  get id(): string {
    return `devcontainer:${this.config.path}`;
  }
}

/** A container under a scaled service or a dev container config. */
export class ReplicaNode {
  readonly kind = 'replica';
  constructor(
    public container: ContainerSummary,
    readonly parent: ServiceNode | DevcontainerNode,
  ) {}
}

export type ServicesNode = ProjectNode | ServiceNode | DevcontainerNode | ReplicaNode;

/**
 * The Services view: the Compose projects and dev container configs detected in the workspace,
 * each service with its live state, matched to containers by the project and service labels.
 */
export class ServicesTree implements vscode.TreeDataProvider<ServicesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ServicesNode | ServicesNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  private readonly nodes = new Map<string, ProjectNode | ServiceNode | DevcontainerNode>();
  private readonly replicas = new Map<string, ReplicaNode>();
  private wasReady = false;

  constructor(
    private readonly session: RuntimeSession,
    private readonly live: LiveContainers,
    private readonly context: WorkspaceContextService,
  ) {
    this.subs.push(
      context.onDidChange(() => this.changed.fire(undefined)),
      live.onDidChange((c) => this.onStoreChange(c)),
      session.onDidChange(() => {
        const ready = session.state === 'ready';
        if (ready !== this.wasReady) {
          this.wasReady = ready;
          this.changed.fire(undefined);
        }
      }),
    );
  }

  private containers(): ContainerSummary[] {
    return this.session.state === 'ready' ? this.live.store.containers : [];
  }

  /** The state of a service now (for the view, commands and tests). */
  serviceStatus(project: Pick<ComposeProject, 'name'>, service: string): ServiceStatus {
    return statusOf(composeServiceContainers(project, this.containers()).get(service) ?? []);
  }

  /** Every detected Compose project, with its folder. */
  get projects(): { folder: string; project: ComposeProject }[] {
    return this.context.all.flatMap((ctx) => ctx.composeProjects.map((project) => ({ folder: ctx.folder, project })));
  }

  private cached<T extends ProjectNode | ServiceNode | DevcontainerNode>(node: T, update: (existing: T) => void): T {
    const existing = this.nodes.get(node.id) as T | undefined;
    if (!existing) {
      this.nodes.set(node.id, node);
      return node;
    }
    update(existing);
    return existing;
  }

  /** Repaints the services whose containers changed, and their projects. */
  private onStoreChange(change: StoreChange): void {
    if (change.reset) {
      this.replicas.clear();
      this.changed.fire(undefined);
      return;
    }
    const touched = [...change.added, ...change.removed, ...change.updated.flatMap((u) => [u.before, u.after])];
    const repaint = new Set<ServicesNode>();
    for (const c of change.removed) this.replicas.delete(c.id);
    for (const c of touched) {
      const project = c.labels[LABELS.composeProject];
      const service = c.labels[LABELS.composeService];
      for (const n of this.nodes.values()) {
        if (n instanceof ServiceNode && project && n.parent.project.name === project && n.service.name === service) {
          repaint.add(n);
          repaint.add(n.parent);
        } else if (
          n instanceof DevcontainerNode &&
          (c.labels[LABELS.devcontainerConfigFile] || c.labels[LABELS.devcontainerLocalFolder])
        ) {
          repaint.add(n);
        } else if (n instanceof ProjectNode && project && n.project.name === project) {
          repaint.add(n);
        }
      }
    }
    if (repaint.size) this.changed.fire([...repaint]);
  }

  getTreeItem(n: ServicesNode): vscode.TreeItem {
    if (n instanceof ProjectNode) return this.projectItem(n);
    if (n instanceof ServiceNode) return this.serviceItem(n);
    if (n instanceof DevcontainerNode) return this.devcontainerItem(n);
    return containerItem(n.container, { id: `replica:${n.container.id}`, caps: this.session.runtime?.capabilities });
  }

  private get ready(): boolean {
    return this.session.state === 'ready';
  }

  /** A project: how many of its services run, green when all do, amber when some do. */
  private projectItem(n: ProjectNode): vscode.TreeItem {
    const byService = composeServiceContainers(n.project, this.containers());
    const total = n.project.services.length;
    const up = n.project.services.filter((s) => statusOf(byService.get(s.name) ?? []).state === 'running').length;
    const created = n.project.services.filter((s) => byService.has(s.name)).length;
    const item = new vscode.TreeItem(n.project.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = n.id;
    item.description = !this.ready
      ? this.notReachable()
      : created === 0
        ? vscode.l10n.t('not created')
        : vscode.l10n.t('running {0}/{1}', up, total);
    item.iconPath = new vscode.ThemeIcon(
      'layers',
      up && up === total
        ? new vscode.ThemeColor('charts.green')
        : up
          ? new vscode.ThemeColor('charts.yellow')
          : undefined,
    );
    item.contextValue = composeProjectContextValue(this.session.runtimeId);
    item.tooltip = projectTooltip(n.project, n.folder);
    item.accessibilityInformation = {
      label: vscode.l10n.t('Compose project {0}, {1}', n.project.name, item.description),
    };
    return item;
  }

  /** A service: its state (replicas below it when scaled); clicking opens its definition. */
  private serviceItem(n: ServiceNode): vscode.TreeItem {
    const st = this.serviceStatus(n.parent.project, n.service.name);
    const text = serviceStatusText(st);
    const scaled = st.containers.length > 1;
    const item = new vscode.TreeItem(
      n.service.name,
      scaled ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = n.id;
    item.description = this.ready ? text : '';
    item.iconPath = serviceIcon(this.ready ? st.state : 'unknown');
    item.contextValue = composeServiceContextValue(st.state, this.session.runtimeId);
    item.tooltip = serviceTooltip(n.service, st);
    item.accessibilityInformation = {
      label: vscode.l10n.t('service {0}, {1}', n.service.name, this.ready ? text : vscode.l10n.t('state unknown')),
    };
    item.command = {
      command: 'vscode.open',
      title: vscode.l10n.t('Open Definition'),
      arguments: [
        vscode.Uri.file(n.service.file),
        { selection: new vscode.Range(n.service.line, 0, n.service.line, 0), preview: true },
      ],
    };
    return item;
  }

  /** A dev container config: its kind and its container's state; clicking opens the file. */
  private devcontainerItem(n: DevcontainerNode): vscode.TreeItem {
    const st = statusOf(devcontainerContainers(n.config, n.folder, this.containers()));
    const label = n.config.name ?? vscode.l10n.t('Dev container ({0})', basename(n.folder));
    const item = new vscode.TreeItem(
      label,
      st.containers.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = n.id;
    item.description = [
      n.config.kind,
      ...(this.ready ? [serviceStatusText(st)] : []),
      ...devcontainerCounts(n.config),
    ].join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      'remote-explorer',
      st.state === 'running' ? new vscode.ThemeColor('charts.green') : undefined,
    );
    item.contextValue = devcontainerContextValue(st.state);
    item.tooltip = devcontainerTooltip(n.config);
    item.command = {
      command: 'vscode.open',
      title: vscode.l10n.t('Open Configuration'),
      arguments: [vscode.Uri.file(n.config.path)],
    };
    item.accessibilityInformation = { label: vscode.l10n.t('dev container {0}, {1}', label, item.description) };
    return item;
  }

  private notReachable(): string {
    if (this.session.state === 'host') return vscode.l10n.t('no engine (host)');
    return this.session.state === 'checking' ? '' : vscode.l10n.t('{0} not reachable', this.session.label);
  }

  async getChildren(parent?: ServicesNode): Promise<ServicesNode[]> {
    if (!parent) {
      await this.live.current();
      const out: ServicesNode[] = [];
      for (const ctx of this.context.all) {
        for (const p of ctx.composeProjects)
          out.push(
            this.cached(new ProjectNode(ctx.folder, p), (e) => {
              e.project = p;
            }),
          );
        for (const d of ctx.devcontainers)
          out.push(
            this.cached(new DevcontainerNode(ctx.folder, d), (e) => {
              e.config = d;
            }),
          );
      }
      void vscode.commands.executeCommand('setContext', 'containerWorkspaces.serviceCount', out.length);
      return out;
    }
    if (parent instanceof ProjectNode) {
      return parent.project.services.map((s) =>
        this.cached(new ServiceNode(parent, s), (e) => {
          e.service = s;
        }),
      );
    }
    if (parent instanceof ServiceNode) {
      const st = this.serviceStatus(parent.parent.project, parent.service.name);
      return st.containers.length > 1 ? st.containers.map((c) => this.replica(c, parent)) : [];
    }
    if (parent instanceof DevcontainerNode) {
      return devcontainerContainers(parent.config, parent.folder, this.containers()).map((c) =>
        this.replica(c, parent),
      );
    }
    return [];
  }

  private replica(c: ContainerSummary, parent: ServiceNode | DevcontainerNode): ReplicaNode {
    let r = this.replicas.get(c.id);
    if (!r || r.parent !== parent) this.replicas.set(c.id, (r = new ReplicaNode(c, parent)));
    r.container = c;
    return r;
  }

  getParent(n: ServicesNode): ServicesNode | undefined {
    return n instanceof ServiceNode || n instanceof ReplicaNode ? n.parent : undefined;
  }

  resolveTreeItem(item: vscode.TreeItem, n: ServicesNode): vscode.TreeItem {
    if (n instanceof ReplicaNode) item.tooltip = containerTooltip(n.container);
    return item;
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
    this.changed.dispose();
  }
}

function projectTooltip(p: ComposeProject, folder: string): vscode.MarkdownString {
  const t = new vscode.MarkdownString();
  t.appendMarkdown(vscode.l10n.t('**{0}** — Compose project in {1}', p.name, literal(folder)));
  t.appendMarkdown('\n\n');
  for (const f of p.files) {
    t.appendText(f);
    t.appendMarkdown('  \n');
  }
  return t;
}

function serviceTooltip(s: ComposeService, st: ServiceStatus): vscode.MarkdownString {
  const t = new vscode.MarkdownString();
  const line = (markdown: string) => t.appendMarkdown(markdown).appendMarkdown('  \n');
  t.appendMarkdown(`**${s.name}** — `).appendText(serviceStatusText(st));
  t.appendMarkdown('\n\n');
  if (s.image) line(vscode.l10n.t('Image: {0}', literal(s.image)));
  if (s.build) line(vscode.l10n.t('Build: {0}', literal(s.build.context)));
  if (s.ports.length) {
    const ports = s.ports.map((p) => `${p.published ? `${p.published}→` : ''}${p.target}/${p.protocol}`).join(', ');
    line(vscode.l10n.t('Ports: {0}', literal(ports)));
  }
  for (const c of st.containers) line(vscode.l10n.t('Container: {0}', literal(`${c.name} (${stateWord(c.state)})`)));
  return t;
}

/** "2 Features", "5 hooks": what the config adds to its container, for the row's description. */
function devcontainerCounts(c: DevcontainerConfig): string[] {
  const features = c.features?.length ?? 0;
  const hooks = hooksOf(c).length;
  const out: string[] = [];
  if (features) out.push(features === 1 ? vscode.l10n.t('1 Feature') : vscode.l10n.t('{0} Features', features));
  if (hooks) out.push(hooks === 1 ? vscode.l10n.t('1 hook') : vscode.l10n.t('{0} hooks', hooks));
  return out;
}

/** The config's file, its Features with their options and its hooks (in the spec's order), one line each. */
function devcontainerTooltip(c: DevcontainerConfig): vscode.MarkdownString {
  const t = new vscode.MarkdownString();
  const line = (markdown: string) => t.appendMarkdown(markdown).appendMarkdown('  \n');
  t.appendText(c.path);
  const s = summarize(c);
  if (s.featureCount) {
    t.appendMarkdown('\n\n');
    line(vscode.l10n.t('**Features** ({0})', s.featureCount));
    for (const f of s.features) line(literal(f));
    const more = s.featureCount - s.features.length;
    if (more) line(literal(vscode.l10n.t('… and {0} more', more)));
  }
  if (s.hooks.length) {
    t.appendMarkdown('\n\n');
    line(vscode.l10n.t('**Hooks** ({0})', s.hooks.length));
    // Hook names are the spec's (no Markdown in them); commands are the file's, shown literally.
    for (const h of s.hooks) line(`\`${h.name}\`: ${literal(h.command)}`);
  }
  if (s.waitFor) {
    t.appendMarkdown('\n\n');
    line(vscode.l10n.t('Ready after {0} (waitFor)', `\`${s.waitFor}\``));
  }
  return t;
}

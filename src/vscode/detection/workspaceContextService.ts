import * as vscode from 'vscode';
import type { ContextKind, FolderContext } from '../../core/detection/types';
import { ContextDiagnostics } from './diagnostics';
import { loadDetection } from './loadDetection';

export interface ContextChange {
  folder: vscode.WorkspaceFolder;
  context: FolderContext;
  changed: (ContextKind | 'diagnostics')[];
}

/** File names whose creation, change or deletion can change a folder's container context. */
const WATCHED = `**/{${[
  'Dockerfile',
  'Containerfile',
  '*.Dockerfile',
  'Dockerfile.*',
  '*.Containerfile',
  'Containerfile.*',
  '*.yaml',
  '*.yml',
  '.env',
  'devcontainer.json',
  '.devcontainer.json',
  'Kustomization',
].join(',')}}`;
const DEBOUNCE_MS = 300;
const KEYS: Record<ContextKind, string> = {
  compose: 'containerWorkspaces.hasCompose',
  devcontainer: 'containerWorkspaces.hasDevcontainer',
  dockerfile: 'containerWorkspaces.hasDockerfile',
  kubernetes: 'containerWorkspaces.hasKubernetes',
};

/**
 * Knows each workspace folder's container context. Detection starts after activation returns and
 * runs in the background; file events re-run it (debounced) and listeners hear what changed.
 */
export class WorkspaceContextService implements vscode.Disposable {
  private readonly contexts = new Map<string, FolderContext>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, AbortController>();
  private readonly changed = new vscode.EventEmitter<ContextChange>();
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = new ContextDiagnostics();
  private readonly subs: vscode.Disposable[] = [];
  /** What was last given to setContext, for tests and diagnostics. */
  readonly contextKeys: Record<string, boolean | string> = {};
  private firstDone!: () => void;
  /** Resolves once every folder open at start has been detected. */
  readonly ready = new Promise<void>((r) => {
    this.firstDone = r;
  });

  constructor(private readonly log: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher(WATCHED);
    const onFile = (uri: vscode.Uri) => {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (folder) this.schedule(folder);
    };
    this.subs.push(
      watcher,
      watcher.onDidCreate(onFile),
      watcher.onDidChange(onFile),
      watcher.onDidDelete(onFile),
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const f of e.removed) this.forget(f);
        for (const f of e.added) this.schedule(f, 0);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('files.exclude') || e.affectsConfiguration('search.exclude')) {
          for (const f of vscode.workspace.workspaceFolders ?? []) this.schedule(f);
        }
      }),
    );
  }

  /** Starts the first detection of every folder (not awaited by activation). */
  start(): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    void Promise.all(folders.filter((f) => f.uri.scheme === 'file').map((f) => this.detect(f))).finally(() =>
      this.firstDone(),
    );
  }

  /** The detected context of a folder, if detection has finished. */
  get(folder: vscode.WorkspaceFolder): FolderContext | undefined {
    return this.contexts.get(folder.uri.toString());
  }

  get all(): FolderContext[] {
    return [...this.contexts.values()];
  }

  private schedule(folder: vscode.WorkspaceFolder, delay = DEBOUNCE_MS): void {
    if (folder.uri.scheme !== 'file') return;
    const key = folder.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.detect(folder);
      }, delay),
    );
  }

  private async detect(folder: vscode.WorkspaceFolder): Promise<void> {
    const key = folder.uri.toString();
    this.running.get(key)?.abort(); // a newer detection supersedes a running one
    const ctl = new AbortController();
    this.running.set(key, ctl);
    const config = (section: string) =>
      vscode.workspace.getConfiguration(section, folder.uri).get<Record<string, unknown>>('exclude');
    const t0 = Date.now();
    const { changedKinds, detectDirectory, excludeMatcher } = loadDetection();
    const ctx = await detectDirectory(folder.uri.fsPath, {
      exclude: excludeMatcher(config('files'), config('search')),
      signal: ctl.signal,
      env: process.env,
      onInternalError: (what, err) =>
        this.log.error(
          `Detecting ${what} in ${folder.name} failed: ${err instanceof Error ? err.message : String(err)}`,
        ),
    });
    if (ctl.signal.aborted || this.running.get(key) !== ctl) return;
    this.running.delete(key);
    const before = this.contexts.get(key);
    this.contexts.set(key, ctx);
    this.diagnostics.set(key, ctx.diagnostics);
    this.updateContextKeys();
    const changed = changedKinds(before, ctx);
    this.log.info(`Context of ${folder.name} in ${Date.now() - t0} ms: ${summary(ctx)}`);
    if (ctx.truncated)
      this.log.warn(`${folder.name} has more files than are looked at; container files deep inside may be missed.`);
    if (changed.length || !before) this.changed.fire({ folder, context: ctx, changed });
  }

  private forget(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    this.running.get(key)?.abort();
    this.contexts.delete(key);
    this.diagnostics.clear(key);
    this.updateContextKeys();
  }

  private updateContextKeys(): void {
    const all = this.all;
    const has: Record<ContextKind, boolean> = {
      compose: all.some((c) => c.composeProjects.length > 0),
      devcontainer: all.some((c) => c.devcontainers.length > 0),
      dockerfile: all.some((c) => c.dockerfiles.length > 0),
      kubernetes: all.some(
        (c) => c.kubernetes.resources.length + c.kubernetes.kustomizations.length + c.kubernetes.charts.length > 0,
      ),
    };
    for (const kind of Object.keys(KEYS) as ContextKind[]) this.setKey(KEYS[kind], has[kind]);
    this.setKey('containerWorkspaces.primaryKind', all.find((c) => c.primary)?.primary ?? 'none');
  }

  private setKey(key: string, value: boolean | string): void {
    if (this.contextKeys[key] === value) return;
    this.contextKeys[key] = value;
    void vscode.commands.executeCommand('setContext', key, value);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const c of this.running.values()) c.abort();
    for (const d of this.subs) d.dispose();
    this.diagnostics.dispose();
    this.changed.dispose();
  }
}

function summary(c: FolderContext): string {
  const parts: string[] = [];
  if (c.devcontainers.length) parts.push(`${c.devcontainers.length} dev container config(s)`);
  if (c.composeProjects.length) {
    const services = c.composeProjects.reduce((n, p) => n + p.services.length, 0);
    parts.push(`${c.composeProjects.length} Compose project(s), ${services} service(s)`);
  }
  if (c.dockerfiles.length) parts.push(`${c.dockerfiles.length} Dockerfile(s)`);
  if (c.kubernetes.resources.length) parts.push(`${c.kubernetes.resources.length} Kubernetes resource(s)`);
  if (c.diagnostics.length) parts.push(`${c.diagnostics.length} problem(s)`);
  return parts.join(', ') || 'no container files';
}

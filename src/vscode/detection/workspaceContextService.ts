import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ContextKind, FolderContext } from '../../core/detection/types';
import type { DetectionClient, DetectionJob, DetectionResult } from '../../core/detection/worker/detectionClient';
import { ContextDiagnostics } from './diagnostics';
import { detectionHostPath, loadDetection, loadDetectionHost } from './loadDetection';

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
 * runs in a worker thread (dist/detectionWorker.js, started on the first detection), so a file that
 * makes a parser slow cannot freeze the window: a detection over its budget is stopped, reported on
 * the folder, and the last good context stays. File events re-run it (debounced) and listeners hear
 * what changed.
 */
export class WorkspaceContextService implements vscode.Disposable {
  private readonly contexts = new Map<string, FolderContext>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, object>();
  /**
   * The worker's host side, created by the first detection (never at activation); undefined when
   * its bundle could not be loaded (detection then runs on this thread). The tests lower its budget.
   */
  detection: DetectionClient | undefined;
  private hostUnavailable = false;
  /** Test-only hooks passed to the worker (busy-loop, crash); undefined in normal use. */
  testHooks: DetectionJob['test'];
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
    // A newer detection supersedes a running one (the client cancels it for the same folder).
    const token = {};
    this.running.set(key, token);
    const config = (section: string) =>
      vscode.workspace.getConfiguration(section, folder.uri).get<Record<string, unknown>>('exclude');
    const t0 = Date.now();
    const job: DetectionJob = {
      label: folder.name,
      exclude: enabledPatterns(config('files'), config('search')),
      env: process.env,
      test: this.testHooks,
      onInternalError: (what, err) =>
        this.log.error(
          `Detecting ${what} in ${folder.name} failed: ${err instanceof Error ? err.message : String(err)}`,
        ),
    };
    const client = this.client();
    const result = client ? await client.detect(folder.uri.fsPath, job) : await detectHere(folder.uri.fsPath, job);
    if (this.running.get(key) !== token) return;
    this.running.delete(key);
    if (!result.ok) {
      if (result.reason === 'cancelled') return;
      // The last good context stays; the folder says why it may be stale.
      this.log.warn(result.message);
      this.diagnostics.setStopped(key, folder.uri, result.message);
      return;
    }
    const ctx = result.context;
    const before = this.contexts.get(key);
    this.contexts.set(key, ctx);
    this.diagnostics.set(key, ctx.diagnostics);
    this.diagnostics.setStopped(key, folder.uri, undefined);
    this.updateContextKeys();
    const changed = loadDetection().changedKinds(before, ctx);
    this.log.info(`Context of ${folder.name} in ${Date.now() - t0} ms: ${summary(ctx)}`);
    if (ctx.truncated)
      this.log.warn(`${folder.name} has more files than are looked at; container files deep inside may be missed.`);
    if (changed.length || !before) this.changed.fire({ folder, context: ctx, changed });
  }

  private client(): DetectionClient | undefined {
    if (this.detection || this.hostUnavailable) return this.detection;
    try {
      const { DetectionClient } = loadDetectionHost();
      this.detection = new DetectionClient({
        workerFile: detectionHostPath,
        detectionModule: join(__dirname, 'background.js'),
        inProcess: loadDetection,
        log: this.log,
      });
    } catch (err) {
      this.hostUnavailable = true;
      const why = err instanceof Error ? err.message : String(err);
      this.log.warn(
        `Context detection runs on the main thread of the extension host: ${detectionHostPath} did not load (${why}).`,
      );
    }
    return this.detection;
  }

  private forget(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    this.running.delete(key);
    this.detection?.cancel(folder.uri.fsPath);
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
    this.running.clear();
    this.detection?.dispose();
    for (const d of this.subs) d.dispose();
    this.diagnostics.dispose();
    this.changed.dispose();
  }
}

/** Detection on this thread, when the worker's bundle is missing (the sources run without a build). */
async function detectHere(dir: string, job: DetectionJob): Promise<DetectionResult> {
  try {
    const { detectDirectory, excludeMatcher } = loadDetection();
    const exclude = excludeMatcher(Object.fromEntries(job.exclude.map((p) => [p, true])));
    return {
      ok: true,
      context: await detectDirectory(dir, { exclude, env: job.env, onInternalError: job.onInternalError }),
    };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      reason: 'crashed',
      message: `Detection of ${job.label ?? dir} failed (${why}); the container context may be incomplete.`,
    };
  }
}

/** The exclude patterns that are on; `{ when }` and false entries are left out, as excludeMatcher does. */
function enabledPatterns(...settings: (Record<string, unknown> | undefined)[]): string[] {
  return settings.flatMap((s) => Object.entries(s ?? {}).flatMap(([pattern, on]) => (on === true ? [pattern] : [])));
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

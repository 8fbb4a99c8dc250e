import * as vscode from 'vscode';
import type { ContextDiagnostic } from '../../core/detection/types';

/** Puts detection problems in the Problems panel, replacing what a folder reported before. */
export class ContextDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('container-workspaces');
  /** Files with problems, per workspace folder, so a re-detection clears the ones that are fixed. */
  private readonly byFolder = new Map<string, Set<string>>();
  /** Folders whose last detection was stopped (over budget, crashed): a warning on the folder itself. */
  private readonly stopped = new Map<string, vscode.Uri>();

  set(folder: string, diagnostics: readonly ContextDiagnostic[]): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const d of diagnostics) {
      const r = d.range;
      const diag = new vscode.Diagnostic(
        new vscode.Range(r.line, r.column, r.endLine, r.endColumn),
        d.message,
        d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      diag.source = sourceLabel(d.source);
      (byFile.get(d.file) ?? byFile.set(d.file, []).get(d.file)!).push(diag);
    }
    for (const file of this.byFolder.get(folder) ?? [])
      if (!byFile.has(file)) this.collection.delete(vscode.Uri.file(file));
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
    this.byFolder.set(folder, new Set(byFile.keys()));
  }

  /** Says on the folder that its detection was stopped (`message`), or takes that back (undefined). */
  setStopped(folder: string, folderUri: vscode.Uri, message: string | undefined): void {
    const before = this.stopped.get(folder);
    if (before) this.collection.delete(before);
    this.stopped.delete(folder);
    if (message === undefined) return;
    const diag = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), message, vscode.DiagnosticSeverity.Warning);
    diag.source = 'Container Workspaces';
    this.collection.set(folderUri, [diag]);
    this.stopped.set(folder, folderUri);
  }

  clear(folder: string): void {
    this.set(folder, []);
    this.byFolder.delete(folder);
    const uri = this.stopped.get(folder);
    if (uri) this.setStopped(folder, uri, undefined);
  }

  dispose(): void {
    this.collection.dispose();
  }
}

function sourceLabel(kind: ContextDiagnostic['source']): string {
  return { compose: 'Compose', devcontainer: 'Dev Container', dockerfile: 'Dockerfile', kubernetes: 'Kubernetes' }[
    kind
  ];
}

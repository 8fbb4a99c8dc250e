import * as vscode from 'vscode';
import type { ContainerSummary } from '../../core/runtime/types';
import type { RuntimeSession } from '../runtimeSession';

export const INSPECT_SCHEME = 'cws-inspect';

/** cws-inspect:/<name>.json?id=<id>: a read-only document with the engine's inspect JSON. */
export function inspectUri(c: Pick<ContainerSummary, 'id' | 'name'>): vscode.Uri {
  return vscode.Uri.from({
    scheme: INSPECT_SCHEME,
    path: `/${c.name.replace(/[/\\]/g, '_')}.json`,
    query: new URLSearchParams({ id: c.id }).toString(),
  });
}

/**
 * Serves inspect documents. Content providers' documents are read-only. The document may hold
 * environment values: it is shown to the user, never logged.
 */
export class InspectDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly session: RuntimeSession) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = new URLSearchParams(uri.query).get('id') ?? '';
    const rt = this.session.runtime;
    if (!rt) return `// ${this.session.error?.message ?? vscode.l10n.t('No container runtime is selected.')}\n`;
    try {
      const d = await rt.inspect(id);
      return `${JSON.stringify(d.raw, null, 2)}\n`;
    } catch (err) {
      const e = this.session.reportFailure(err);
      const why =
        e.code === 'notFound' ? vscode.l10n.t('The container {0} no longer exists.', id.slice(0, 12)) : e.message;
      return `// ${why}\n`;
    }
  }
}

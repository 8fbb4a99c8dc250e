import * as vscode from 'vscode';
import { runCompose } from '../../../core/compose/composeTool';
import type { CommandDeps } from '../types';
import { targetName, type ComposeTarget } from './composeTarget';
import { displayCommand, prepareCompose } from './composeTool';

/**
 * Runs a Compose verb (up -d, stop, down …) on a project or service: progress with Cancel, the
 * tool's output in the Compose output channel, the exit code reported. Resolves with the exit
 * code, or undefined when it did not run.
 */
export async function runComposeVerb(
  deps: CommandDeps,
  target: ComposeTarget,
  verb: { title: string; args: string[] },
): Promise<number | undefined> {
  const prepared = await prepareCompose(deps, target, verb.args);
  if (!prepared) return undefined;
  const { tool, inv } = prepared;
  const out = deps.composeOutput;
  out.appendLine(`$ ${displayCommand(inv)}`);
  out.show(true);
  let lastError = '';
  const title = `Compose ${verb.title}: ${targetName(target)}`;
  const result = await vscode.window.withProgress({ location: { viewId: 'containerWorkspaces.services' } }, () =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const ctl = new AbortController();
        const sub = token.onCancellationRequested(() => ctl.abort());
        let shown = 0;
        try {
          return await runCompose(inv, {
            signal: ctl.signal,
            onLine: (line, stream) => {
              out.appendLine(line);
              if (stream === 'stderr' && line.trim()) lastError = line.trim();
              const now = Date.now();
              if (now - shown > 250 && line.trim()) {
                shown = now;
                progress.report({ message: line.trim().slice(0, 80) });
              }
            },
          });
        } catch (err) {
          out.appendLine(String(err instanceof Error ? err.message : err));
          void vscode.window.showErrorMessage(`${tool.label}: ${err instanceof Error ? err.message : String(err)}`);
          return undefined;
        } finally {
          sub.dispose();
        }
      },
    ),
  );
  if (!result) return undefined;
  out.appendLine(result.aborted ? '(cancelled)' : `(exit code ${result.exitCode})`);
  out.appendLine('');
  if (!result.aborted && result.exitCode !== 0) {
    const show = 'Show Output';
    void vscode.window
      .showErrorMessage(
        `Compose ${verb.title} failed for ${targetName(target)} (exit code ${result.exitCode})${lastError ? `: ${lastError}` : ''}`,
        show,
      )
      .then((c) => c === show && out.show());
  }
  deps.log.info(
    `${tool.label} ${verb.title} ${targetName(target)}: ${result.aborted ? 'cancelled' : `exit code ${result.exitCode}`}`,
  );
  return result.aborted ? undefined : result.exitCode;
}

import * as vscode from 'vscode';
import { RuntimeError } from '../../../core/runtime/errors';
import type { ComposeInvocation, ComposeRunResult } from '../../../core/compose/composeTool';
import { loadDetection } from '../../detection/loadDetection';
import { restated } from '../../ui/errors';
import { notify } from '../../ui/notify';
import type { CommandDeps } from '../types';
import { targetName, type ComposeTarget } from './composeTarget';
import { displayCommand, prepareCompose } from './composeTool';

/** What a Compose verb says, in the user's language. */
export interface ComposeVerbTexts {
  /** The progress notification's title: "Compose Up: cws-sample". */
  progress: (target: string) => string;
  /** "Compose Up failed for cws-sample (exit code 1)". */
  failed: (target: string, exitCode: number) => string;
}

export interface ComposeVerb {
  /** "Up": for the log, in English. */
  title: string;
  args: string[];
  texts: ComposeVerbTexts;
}

interface Outcome {
  result: ComposeRunResult;
  /** The tool's last line on stderr, which usually says why it failed. */
  lastError: string;
}

/** Runs the invocation with progress (and Cancel) on the Services view and a notification, output to the channel. */
async function runWithProgress(out: vscode.OutputChannel, inv: ComposeInvocation, title: string): Promise<Outcome> {
  let lastError = '';
  const result = await vscode.window.withProgress({ location: { viewId: 'containerWorkspaces.services' } }, () =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const ctl = new AbortController();
        const sub = token.onCancellationRequested(() => ctl.abort());
        let shown = 0;
        try {
          return await loadDetection().runCompose(inv, {
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
        } finally {
          sub.dispose();
        }
      },
    ),
  );
  return { result, lastError };
}

/**
 * Runs a Compose verb (up -d, stop, down …) on a project or service: progress with Cancel, the
 * tool's output in the Compose output channel, the exit code reported. Resolves with the exit
 * code, or undefined when it did not run; a tool that could not be started is thrown.
 */
export async function runComposeVerb(
  deps: CommandDeps,
  target: ComposeTarget,
  verb: ComposeVerb,
): Promise<number | undefined> {
  const prepared = await prepareCompose(deps, target, verb.args);
  if (!prepared) return undefined;
  const { tool, inv } = prepared;
  const out = deps.composeOutput;
  out.appendLine(`$ ${displayCommand(inv)}`);
  out.show(true);
  const name = targetName(target);
  let outcome: Outcome;
  try {
    outcome = await runWithProgress(out, inv, verb.texts.progress(name));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    out.appendLine(message);
    throw err instanceof RuntimeError ? restated(err, vscode.l10n.t('{0}: {1}', tool.label, message)) : err;
  }
  const { result, lastError } = outcome;
  out.appendLine(result.aborted ? '(cancelled)' : `(exit code ${result.exitCode})`);
  out.appendLine('');
  if (!result.aborted && result.exitCode !== 0) {
    const failed = verb.texts.failed(name, result.exitCode);
    const showOutput = { title: vscode.l10n.t('Show Output'), run: () => out.show() };
    void notify('error', lastError ? vscode.l10n.t('{0}: {1}', failed, lastError) : failed, [showOutput]);
  }
  deps.log.info(
    `${tool.label} ${verb.title} ${name}: ${result.aborted ? 'cancelled' : `exit code ${result.exitCode}`}`,
  );
  return result.aborted ? undefined : result.exitCode;
}

import * as vscode from 'vscode';
import { RuntimeError, type RuntimeErrorCode } from '../../core/runtime/errors';
import { firstLine, formatError } from './format';
import { notify, retryAction, showLogAction, switchRuntimeAction, type NotificationAction } from './notify';

/** Failures another runtime may not have. */
const SWITCH_CODES: readonly RuntimeErrorCode[] = ['unavailable', 'permission', 'timeout'];
/** Failures that may be gone a moment later (an engine started, a container done restarting). */
const RETRY_CODES: readonly RuntimeErrorCode[] = ['unavailable', 'timeout', 'conflict', 'internal'];

/** The user (or a token) cancelled: nothing to show. */
export function isCancellation(err: unknown): boolean {
  return err instanceof vscode.CancellationError || (err instanceof RuntimeError && err.code === 'cancelled');
}

/** A failure that is not a RuntimeError (a bug, most likely) for people: its first line, never its stack. */
export function internalError(err: unknown): RuntimeError {
  const text = firstLine(err instanceof Error ? err.message : String(err));
  return new RuntimeError('internal', vscode.l10n.t('Unexpected error: {0}', text || String(err)), undefined, {
    cause: err,
  });
}

/**
 * The one way a failure is shown: message and hint in one error notification, with "Retry" (when
 * given and the failure may pass), "Switch Runtime" (when another runtime may help) and "Show Log".
 * Does not wait for the user.
 */
export function showError(e: RuntimeError, o: { retry?: () => unknown } = {}): void {
  const actions: NotificationAction[] = [];
  if (o.retry && RETRY_CODES.includes(e.code)) actions.push(retryAction(o.retry));
  if (SWITCH_CODES.includes(e.code)) actions.push(switchRuntimeAction());
  actions.push(showLogAction());
  void notify('error', formatError(e), actions);
}

/**
 * What a command's failure becomes: cancelled is only noted in the log; a RuntimeError is logged
 * once with the command's id and shown; anything else is logged with its stack and shown as an
 * internal error (no Retry: running the same code again fails the same way).
 */
export function reportCommandError(
  log: vscode.LogOutputChannel,
  commandId: string,
  err: unknown,
  retry?: () => unknown,
): void {
  if (isCancellation(err)) {
    log.debug(`${commandId}: cancelled`);
    return;
  }
  if (err instanceof RuntimeError) {
    log.error(`${commandId}: ${formatError(err)} [${err.code}]`);
    showError(err, { retry });
    return;
  }
  log.error(`${commandId}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  showError(internalError(err));
}

/**
 * Wraps a command's handler: what it returns passes through; whatever it throws is reported by
 * reportCommandError (Retry runs the same command with the same arguments) and it resolves with
 * undefined, so VS Code adds no notification of its own.
 */
export function guardCommand(
  commandId: string,
  log: vscode.LogOutputChannel,
  run: (...args: unknown[]) => unknown,
): (...args: unknown[]) => Promise<unknown> {
  return async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (err) {
      reportCommandError(log, commandId, err, () => vscode.commands.executeCommand(commandId, ...args));
      return undefined;
    }
  };
}

/** The same failure told differently (naming what the user knows, e.g.): same code, the original as its cause. */
export function restated(e: RuntimeError, message: string, hint = e.hint): RuntimeError {
  return new RuntimeError(e.code, message, hint, { cause: e });
}

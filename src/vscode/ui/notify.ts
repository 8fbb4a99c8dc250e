import * as vscode from 'vscode';
import { escapeControl } from '../../core/text/escapeControl';

/** A button on a notification, and what choosing it does. */
export interface NotificationAction extends vscode.MessageItem {
  run(): unknown;
}

export type Severity = 'error' | 'warning' | 'info';

const SELECT_RUNTIME = 'containerWorkspaces.selectRuntime';
const SHOW_LOG = 'containerWorkspaces.showLog';

/** "Retry": runs the given function again. */
export function retryAction(run: () => unknown): NotificationAction {
  return { title: vscode.l10n.t('Retry'), run };
}

/** "Switch Runtime": opens the runtime picker. */
export function switchRuntimeAction(): NotificationAction {
  return { title: vscode.l10n.t('Switch Runtime'), run: () => vscode.commands.executeCommand(SELECT_RUNTIME) };
}

/** "Show Log": the extension's log. */
export function showLogAction(): NotificationAction {
  return { title: vscode.l10n.t('Show Log'), run: () => vscode.commands.executeCommand(SHOW_LOG) };
}

function show(
  severity: Severity,
  message: string,
  options: vscode.MessageOptions,
  actions: NotificationAction[],
): Thenable<NotificationAction | undefined> {
  switch (severity) {
    case 'error':
      return vscode.window.showErrorMessage(message, options, ...actions);
    case 'warning':
      return vscode.window.showWarningMessage(message, options, ...actions);
    case 'info':
      return vscode.window.showInformationMessage(message, options, ...actions);
  }
}

/**
 * Every notification with buttons goes through here: it shows the message and runs the action the
 * user chooses. Resolves once that has run, or when the notification was dismissed; callers that
 * must not wait for the user `void` it.
 */
export async function notify(
  severity: Severity,
  message: string,
  actions: NotificationAction[] = [],
  options: vscode.MessageOptions = {},
): Promise<void> {
  // Notifications show names, labels and engine messages: a bidi override or a control character
  // in them must not reorder or hide what the user reads (newlines stay: VS Code shows them as spaces).
  const shown = message
    .split('\n')
    .map((l) => escapeControl(l))
    .join('\n');
  const choice = await show(severity, shown, options, actions);
  await choice?.run();
}

/**
 * Says that what was asked needs a trusted folder, with a way to trust it. Returns whether the
 * workspace is trusted (true: go on); it does not wait for the user's answer.
 */
export function requireTrust(message: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage: NotificationAction = {
    title: vscode.l10n.t('Manage Workspace Trust'),
    run: () => vscode.commands.executeCommand('workbench.trust.manage'),
  };
  void notify('warning', message, [manage]);
  return false;
}

/** The active runtime cannot do what was asked: says why, and offers the runtime picker. */
export function offerSwitchRuntime(message: string): void {
  void notify('warning', message, [switchRuntimeAction()]);
}

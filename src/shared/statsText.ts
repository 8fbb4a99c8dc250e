/**
 * The stats webview's words. The extension fills them in through vscode.l10n.t and hands them to
 * the page (src/vscode/stats/statsText.ts); `{0}`, `{1}` are placeholders the page fills.
 */
export interface StatsText {
  cpu: string;
  memory: string;
  used: string;
  network: string;
  networkShort: string;
  received: string;
  sent: string;
  block: string;
  read: string;
  written: string;
  name: string;
  pids: string;
  selectedContainer: string;
  runningContainers: string;
  noLimit: string;
  /** `{0}`: the memory limit. */
  limit: string;
  noRunningContainers: string;
  changeLimit: string;
  changeLimitTitle: string;
  /** `{0}` shown of `{1}` running. */
  showing: string;
}

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { statsText } from './statsText';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The panel's page: only our script and stylesheet from media/, under a strict policy. Scripts and
 * styles need the page's nonce; nothing inline, no eval, no network.
 */
export function statsHtml(webview: vscode.Webview, media: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const src = webview.cspSource;
  const csp = [
    "default-src 'none'",
    `style-src ${src} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${src} data:`,
    `font-src ${src}`,
  ].join('; ');
  const js = webview.asWebviewUri(vscode.Uri.joinPath(media, 'stats.js'));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(media, 'stats.css'));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css.toString()}" nonce="${nonce}">
<title>${escapeHtml(vscode.l10n.t('Container Stats'))}</title>
</head>
<body>
<div id="app" data-text="${escapeHtml(JSON.stringify(statsText()))}"></div>
<script nonce="${nonce}" src="${js.toString()}"></script>
</body>
</html>`;
}

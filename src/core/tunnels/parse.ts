/** What the output of `code tunnel` says, line by line. Pure: no I/O. */
export type TunnelEvent =
  | { kind: 'login'; code: string; url: string }
  | { kind: 'ready'; url: string }
  | { kind: 'output'; line: string }
  | { kind: 'ended'; exitCode?: number };

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;
/** "To grant access to the server, please log into https://github.com/login/device and use code ABCD-1234" */
const LOGIN = /(https?:\/\/\S+)\s+and use code\s+([A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])/;
/** "Open this link in your browser https://vscode.dev/tunnel/NAME/PATH" (and newer "➜  Open: URL" forms). */
const READY = /https:\/\/vscode\.dev\/tunnel\/\S+/;

/** A line without terminal colours, carriage returns (the CLI ends some lines with \r\n) or trailing blanks. */
export function cleanLine(line: string): string {
  return line.replace(ANSI, '').replace(/\r/g, '').trimEnd();
}

/**
 * One line of `code tunnel` output → its events: a `login` prompt, the `ready` address, or else
 * `output`. Exactly one event per non-blank line; blank lines give none. Never gives `ended`.
 */
export function parseTunnelLine(line: string): TunnelEvent[] {
  const text = cleanLine(line);
  if (!text.trim()) return [];
  const login = LOGIN.exec(text);
  if (login) return [{ kind: 'login', code: login[2], url: trimUrl(login[1]) }];
  const ready = READY.exec(text);
  if (ready) return [{ kind: 'ready', url: trimUrl(ready[0]) }];
  return [{ kind: 'output', line: text }];
}

/** Sentence punctuation or quotes right after a URL are not part of it. */
function trimUrl(url: string): string {
  return url.replace(/[.,;:!?'")\]>]+$/, '');
}

export interface LogSummary {
  /** The latest address printed, if any. */
  url?: string;
  /** The latest login prompt, when no address came after it (a login is still pending). */
  login?: { code: string; url: string };
}

/** What a tunnel's log says so far: its address and any pending login. */
export function summarizeLog(lines: Iterable<string>): LogSummary {
  const out: LogSummary = {};
  for (const line of lines) {
    for (const e of parseTunnelLine(line)) {
      if (e.kind === 'login') out.login = { code: e.code, url: e.url };
      else if (e.kind === 'ready') {
        out.url = e.url;
        out.login = undefined;
      }
    }
  }
  return out;
}

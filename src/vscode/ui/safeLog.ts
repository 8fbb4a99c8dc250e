import type * as vscode from 'vscode';
import { escapeControl } from '../../core/text/escapeControl';

const WRITERS = new Set<PropertyKey>(['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace']);

/**
 * The log channel with every string written to it escaped: names, labels, images and messages
 * come from engines and files, and a control character (ESC, OSC, C1, a bidi override) in them
 * must show as what it is, not act. Newlines stay: a message may have several lines.
 */
export function safeLog(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  const clean = (a: unknown) =>
    typeof a === 'string'
      ? a
          .split('\n')
          .map((l) => escapeControl(l))
          .join('\n')
      : a;
  return new Proxy(channel, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (!WRITERS.has(prop)) return fn.bind(target);
      return (...args: unknown[]) => fn.apply(target, args.map(clean));
    },
  });
}

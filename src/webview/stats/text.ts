// The page's words, as the extension sent them (translated) in #app's data-text attribute.
import type { StatsText } from '../../shared/statsText';

function read(): Partial<StatsText> {
  try {
    return JSON.parse(document.getElementById('app')?.dataset.text ?? '{}') as Partial<StatsText>;
  } catch {
    return {};
  }
}

const words = read();

/** The word for `key`, with `{0}`, `{1}` … replaced by `args`; the key itself if none was sent. */
export function t(key: keyof StatsText, ...args: (string | number)[]): string {
  const s = words[key] ?? key;
  return s.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] ?? m).toString());
}

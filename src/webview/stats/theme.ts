// The colours and fonts of the current VS Code theme, resolved for the canvas charts (which cannot
// use CSS variables), and a watch for theme changes.

export interface Theme {
  fg: string;
  muted: string;
  grid: string;
  cursor: string;
  cpu: string;
  mem: string;
  rx: string;
  tx: string;
  read: string;
  write: string;
  /** Line colour of a sparkline on the focused selection; empty when the selection has no fill (high contrast). */
  selectedFg: string;
  /** Canvas font for axis labels. */
  font: string;
  highContrast: boolean;
}

type Kind = 'dark' | 'light' | 'hc' | 'hcLight';

function kind(): Kind {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'hcLight';
  if (c.contains('vscode-high-contrast')) return 'hc';
  return c.contains('vscode-light') ? 'light' : 'dark';
}

/** Used where the theme leaves a variable empty: [dark, light]. */
const FALLBACK: Record<string, [string, string]> = {
  foreground: ['#cccccc', '#3b3b3b'],
  descriptionForeground: ['#9d9d9d', '#717171'],
  'editorWidget-border': ['#454545', '#c8c8c8'],
  'charts-blue': ['#3794ff', '#1a85ff'],
  'charts-purple': ['#b180d7', '#652d90'],
  'charts-green': ['#89d185', '#388a34'],
  'charts-orange': ['#d18616', '#d18616'],
  'charts-yellow': ['#cca700', '#bf8803'],
  'charts-red': ['#f14c4c', '#e51400'],
};

let probe: CanvasRenderingContext2D | null | undefined;

/** `color` with alpha `a`, whatever CSS colour syntax it was written in. */
export function withAlpha(color: string, a: number): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return color;
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  const c = String(probe.fillStyle); // "#rrggbb" or "rgba(r, g, b, a)"
  if (c.startsWith('#')) {
    const n = parseInt(c.slice(1), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
  }
  const m = /rgba?\(([^,]+),([^,]+),([^,)]+)(?:,([^)]+))?\)/.exec(c);
  return m ? `rgba(${m[1]},${m[2]},${m[3]}, ${a * (m[4] ? Number(m[4]) : 1)})` : color;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const k = kind();
  const light = k === 'light' || k === 'hcLight';
  const v = (name: string) =>
    style.getPropertyValue(`--vscode-${name}`).trim() || FALLBACK[name]?.[light ? 1 : 0] || '';
  const highContrast = k === 'hc' || k === 'hcLight';
  const fg = v('foreground');
  const border = (highContrast && style.getPropertyValue('--vscode-contrastBorder').trim()) || v('editorWidget-border');
  const family = style.getPropertyValue('--vscode-font-family').trim() || 'system-ui, sans-serif';
  return {
    fg,
    muted: highContrast ? fg : v('descriptionForeground'),
    grid: withAlpha(border, highContrast ? 0.45 : light ? 0.6 : 0.8),
    cursor: withAlpha(fg, 0.5),
    cpu: v('charts-blue'),
    mem: v('charts-purple'),
    rx: v('charts-green'),
    tx: v('charts-orange'),
    read: v('charts-yellow'),
    write: v('charts-red'),
    selectedFg: style.getPropertyValue('--vscode-list-activeSelectionBackground').trim()
      ? style.getPropertyValue('--vscode-list-activeSelectionForeground').trim() || fg
      : '',
    font: `11px ${family}`,
    highContrast,
  };
}

/**
 * Calls `cb` after the theme changed. VS Code marks the kind of theme on body's class and sets the
 * colours as variables in the style attribute of <html>: a change between two dark themes only
 * changes the latter.
 */
export function onThemeChange(cb: () => void): void {
  let pending = 0;
  const fire = () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(cb);
  };
  const mo = new MutationObserver(fire);
  mo.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}

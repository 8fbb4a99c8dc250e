// How the stats panel writes its figures. Pure functions: memory in binary units as `docker stats`
// shows it (B, KiB, MiB, GiB), network and block I/O rates in decimal units as `docker stats` shows
// them (B/s, kB/s, MB/s, GB/s), percentages with one decimal. "–" stands for a figure not known.

export const UNKNOWN = '–';

const BYTES = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const RATES = ['B/s', 'kB/s', 'MB/s', 'GB/s', 'TB/s'];

const known = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

/**
 * `n` in the largest unit it reaches: whole numbers in the first unit, one decimal below 100 and
 * none from 100 on in the others. `trim` drops a ".0" (axis labels).
 */
function scaled(n: number, base: number, units: string[], trim: boolean): string {
  let i = 0;
  while (n >= base && i < units.length - 1) {
    n /= base;
    i++;
  }
  let digits = i === 0 || n >= 99.95 ? 0 : 1;
  let text = n.toFixed(digits);
  // 1023.7 KiB rounds to "1024": that is 1.0 MiB.
  if (Number(text) >= base && i < units.length - 1) {
    n /= base;
    i++;
    digits = 1;
    text = n.toFixed(digits);
  }
  if (trim && digits && text.endsWith('.0')) text = text.slice(0, -2);
  return `${text} ${units[i]}`;
}

/** Bytes in binary units: "512 B", "12.3 MiB", "1.9 GiB", "123 MiB". */
export function fmtBytes(n: number | null | undefined, trim = false): string {
  return known(n) ? scaled(n, 1024, BYTES, trim) : UNKNOWN;
}

/** Bytes per second in decimal units: "300 B/s", "1.2 kB/s", "45.6 MB/s". */
export function fmtRate(n: number | null | undefined, trim = false): string {
  return known(n) ? scaled(n, 1000, RATES, trim) : UNKNOWN;
}

/** One decimal and a space: "0.0 %", "153.2 %"; `trim` drops a ".0" (axis labels). */
export function fmtPercent(n: number | null | undefined, trim = false): string {
  if (!known(n)) return UNKNOWN;
  const text = n.toFixed(1);
  return `${trim && text.endsWith('.0') ? text.slice(0, -2) : text} %`;
}

/** A whole count ("12"), or "–". */
export function fmtCount(n: number | null | undefined): string {
  return known(n) ? String(Math.round(n)) : UNKNOWN;
}

/**
 * Whether a memory limit is a real limit. Without one, engines report 0 or a huge number
 * (2^63 rounded down to a page); no host has an exbibyte of memory.
 */
export function isLimited(limit: number | null | undefined): limit is number {
  return known(limit) && limit > 0 && limit < 2 ** 60;
}

/** Memory used as a percentage of the limit, as `docker stats` shows it; null without a limit. */
export function memPercent(used: number | null | undefined, limit: number | null | undefined): number | null {
  return known(used) && isLimited(limit) ? (used / limit) * 100 : null;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time of `ms`: "14:05", or "14:05:30" with seconds. */
export function fmtClock(ms: number, seconds = false): string {
  const d = new Date(ms);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return seconds ? `${hm}:${pad2(d.getSeconds())}` : hm;
}

// The messages between the stats panel (extension host) and its webview: types only, so both sides
// share them without sharing code.

/**
 * One point on the wire: [t (ms), cpu %, memory used, memory limit, rx B/s, tx B/s, read B/s,
 * write B/s, pids]. A rate is null when not known yet. Numbers are rounded to what is shown.
 */
export type Row = [number, number, number, number, number | null, number | null, number | null, number | null, number];

export const enum Col {
  T,
  Cpu,
  Mem,
  MemLimit,
  Rx,
  Tx,
  Read,
  Write,
  Pids,
}

export interface ShownContainer {
  id: string;
  name: string;
  image: string;
}

export type ToWebview =
  | {
      type: 'state';
      /** "Docker 20.10.24". */
      runtime: string;
      /** Why nothing can be shown (runtime not running, no running containers), or undefined. */
      message?: string;
      containers: ShownContainer[];
      selected?: string;
      /** Running containers left out by the cap. */
      notShown: number;
      cap: number;
      /** How much history the charts span, ms. */
      windowMs: number;
      /** Kept points of the containers that are new to the webview (all of them after 'ready'). */
      history: Record<string, Row[]>;
    }
  | { type: 'points'; points: Record<string, Row[]> };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'select'; id: string }
  | { type: 'openSetting' }
  | { type: 'cspViolation'; directive: string; blocked: string };

import type { ChildProcess } from 'node:child_process';

export const repoRoot: string;
export const CHROMIUM_ARGS: string[];
export function ensureCodeServer(o?: { quiet?: boolean }): string;
export function findChromium(): string | undefined;
export function freePort(): Promise<number>;
export interface CodeServer {
  base: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  stop(): void;
  output(): string;
  url(o?: { folder?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
}
export function startCodeServer(o: {
  bin: string; folder: string; env?: NodeJS.ProcessEnv; settings?: object; port?: number; keepData?: boolean; log?: (s: string) => void;
}): Promise<CodeServer>;

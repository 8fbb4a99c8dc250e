/**
 * A dev container's `hostRequirements` against this machine: CPUs, memory, and free storage on the
 * workspace folder's file system. Not met, or not checkable, is a warning line each with both
 * figures; it never stops a create. A GPU is not looked for (no cheap check that is right on every
 * platform), so a required one is a warning that says so; "optional" is none.
 */
import { statfs } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import type { HostRequirements } from '../detection/types';

/** What this machine has; storage undefined when the folder's file system could not be read. */
export interface MachineFigures {
  cpus: number;
  /** Bytes. */
  memory: number;
  /** Free bytes on the workspace folder's file system (for an unprivileged user). */
  storage?: number;
}

/** This machine's figures, storage for the file system `folder` is on. */
export async function machineFigures(folder: string): Promise<MachineFigures> {
  const count = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  let storage: number | undefined;
  try {
    const s = await statfs(folder);
    storage = Number(s.bavail) * Number(s.bsize);
  } catch {
    storage = undefined;
  }
  return { cpus: count, memory: totalmem(), ...(storage !== undefined ? { storage } : {}) };
}

/** A size as a person reads it, in the units devcontainer.json uses (1 GB = 1024³ bytes there). */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const n = i === 0 || Number.isInteger(v) ? String(v) : v.toFixed(1).replace(/\.0$/, '');
  return `${n} ${units[i]}`;
}

/** One warning line per requirement this machine does not meet or that cannot be checked. */
export function hostRequirementWarnings(req: HostRequirements | undefined, m: MachineFigures): string[] {
  if (!req) return [];
  const out: string[] = [];
  if (req.cpus !== undefined && m.cpus < req.cpus)
    out.push(
      `hostRequirements: needs ${req.cpus} CPU${req.cpus === 1 ? '' : 's'}, this machine has ${m.cpus}; ` +
        'the container may be slow.',
    );
  if (req.memory !== undefined && m.memory < req.memory)
    out.push(
      `hostRequirements: needs ${formatSize(req.memory)} of memory, this machine has ${formatSize(m.memory)}; ` +
        'what runs in the container may run out of memory.',
    );
  if (req.storage !== undefined) {
    if (m.storage === undefined)
      out.push(
        `hostRequirements: needs ${formatSize(req.storage)} of storage; the free space of the workspace folder's ` +
          'file system could not be read, so it is not checked.',
      );
    else if (m.storage < req.storage)
      out.push(
        `hostRequirements: needs ${formatSize(req.storage)} of storage, the workspace folder's file system has ` +
          `${formatSize(m.storage)} free.`,
      );
  }
  const gpu = req.gpu;
  if (gpu === true || (gpu && typeof gpu === 'object')) {
    const what =
      gpu === true
        ? 'a GPU'
        : `a GPU${[
            gpu.cores !== undefined ? ` with ${gpu.cores} cores` : '',
            gpu.memory !== undefined
              ? `${gpu.cores !== undefined ? ' and' : ' with'} ${formatSize(gpu.memory)} of memory`
              : '',
          ].join('')}`;
    out.push(`hostRequirements: needs ${what}; whether this machine has one is not checked.`);
  }
  return out;
}

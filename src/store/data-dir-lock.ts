import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';

/** Raised when another live process holds the embedded data directory, or the directory is missing. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** The lock file of an embedded data directory: beside it (`.coffer` → `.coffer.lock`), so a backup of the directory never carries it. */
export function lockPathOf(dataDir: string): string {
  return `${resolve(dataDir)}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of an embedded data directory: a file created exclusively, holding this
 * process's pid and what it is doing. A lock whose process is gone is stale and taken over;
 * a live one is refused with a message naming the process, never by crashing the database.
 */
export function lockDataDir(dataDir: string, purpose: string): DataDirLock {
  const path = lockPathOf(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() })}\n`);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
      return { path, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: { pid?: unknown; purpose?: unknown; since?: unknown } = {};
    try {
      holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
    } catch {
      // Unreadable or half-written: treated as stale below only if it names no live pid.
    }
    const pid = typeof holder.pid === 'number' ? holder.pid : Number.NaN;
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new DataDirError(
        `the embedded database ${resolve(dataDir)} is in use by process ${pid} (${String(holder.purpose ?? 'coffer')} since ${String(holder.since ?? '?')}); ` +
          `stop it first, or ask the running server (GET /v1/verify). Lock file: ${path}`,
      );
    }
    // Stale (its process is gone): remove it and try again.
    rmSync(path, { force: true });
  }
  throw new DataDirError(`could not take the lock ${path}`);
}

// A content-addressed cache on disk: one file per entry, named by a digest of everything the value depends on, so an
// entry is never stale, only unused. Unused entries are removed after a week. Every failure to read or write is a
// miss: a cache may make a run faster, never make it fail.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Entries not used for this long are removed. */
const MAX_IDLE_MS = 7 * 24 * 3600 * 1000;
/** How often a cache looks for unused entries. */
const PRUNE_EVERY_MS = 24 * 3600 * 1000;
const PRUNED_MARKER = '.pruned';

/** The SHA-256 of the parts, each followed by a NUL byte (so `['ab', 'c']` and `['a', 'bc']` differ). */
export function cacheKey(parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part).update('\0');
  }
  return hash.digest('hex');
}

export class DiskCache {
  private pruneChecked = false;

  /** `folder` is created on the first write. */
  public constructor(public readonly folder: string) {}

  /** The text stored under `key`, or undefined. A hit marks the entry as used. */
  public get(key: string): string | undefined {
    return this.getBytes(key)?.toString('utf8');
  }

  /** The bytes stored under `key`, or undefined. A hit marks the entry as used. */
  public getBytes(key: string): Buffer | undefined {
    const file = this.entry(key);
    try {
      const value = fs.readFileSync(file);
      const now = new Date();
      fs.utimesSync(file, now, now);
      return value;
    } catch {
      return undefined;
    }
  }

  /** Stores `value` under `key`, atomically: a concurrent reader sees the whole value or none. */
  public set(key: string, value: string | Uint8Array): void {
    const file = this.entry(key);
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(this.folder, { recursive: true });
      fs.writeFileSync(temporary, value);
      fs.renameSync(temporary, file);
    } catch {
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // the folder cannot be written at all
      }
      return;
    }
    this.pruneOnceADay();
  }

  private entry(key: string): string {
    if (!/^[0-9a-f]{16,}$/.test(key)) {
      throw new Error(`DiskCache: a key is a hex digest (see cacheKey), got '${key}'`);
    }
    return path.join(this.folder, key);
  }

  private pruneOnceADay(): void {
    if (this.pruneChecked) {
      return;
    }
    this.pruneChecked = true;
    const marker = path.join(this.folder, PRUNED_MARKER);
    const now = Date.now();
    try {
      if (now - fs.statSync(marker).mtimeMs < PRUNE_EVERY_MS) {
        return;
      }
    } catch {
      // never pruned
    }
    try {
      fs.writeFileSync(marker, '');
      for (const name of fs.readdirSync(this.folder)) {
        const file = path.join(this.folder, name);
        if (name !== PRUNED_MARKER && now - fs.statSync(file).mtimeMs > MAX_IDLE_MS) {
          fs.rmSync(file, { force: true });
        }
      }
    } catch {
      // another process pruned at the same time
    }
  }
}

/**
 * unitkitd's journal: what services write to stdout/stderr and what the manager logs about a
 * unit, kept per unit in size-rotated text files under `$RUNTIME_DIR/journal/`, one line per
 * entry: `REALTIME_USEC<TAB>UNIT<TAB>PID<TAB>PRIORITY<TAB>IDENTIFIER<TAB>MESSAGE`. Plain text
 * so `tail -f` works too; tabs because unit names, numbers and identifiers never hold one (a
 * tab inside a message is kept: the message is everything after the fifth tab).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventEmitter } from 'node:events';
import { hostName } from '@unitkit/unit-file/system-facts';
import type { JournalEntry } from './control-protocol.js';

/** Options of {@link Journal}. */
export interface JournalOptions {
  /** Directory of the journal files; created with mode 0700. */
  dir: string;
  /** A unit's file is rotated to `.1` once it passes this size. Default 1 MiB. */
  maxFileBytes?: number;
  /**
   * Told when entries cannot be written (a full or read-only disk): once, and again only after a
   * write has succeeded since. The manager goes on either way.
   */
  onWriteError?: (error: Error) => void;
}

/** The per-unit journal files. */
export class Journal {
  /** Emits 'entry' with every appended {@link JournalEntry}, for `logs -f`. */
  readonly events = new EventEmitter<{ entry: [JournalEntry] }>();
  readonly dir: string;
  private readonly maxFileBytes: number;
  /**
   * Current size of each unit's file, so rotation needs no stat() per line; keyed by the file's
   * unit name (usually the unit's own id string), not its path: a path string per unit that ever
   * logged was ~0.1 KB of each held unit (issue #19).
   */
  private readonly sizes = new Map<string, number>();

  private readonly onWriteError?: (error: Error) => void;
  private writeFailing = false;

  constructor(opts: JournalOptions) {
    // Normalized once: file names are joined to it by hand.
    this.dir = path.resolve(opts.dir);
    this.maxFileBytes = opts.maxFileBytes ?? 1024 * 1024;
    this.onWriteError = opts.onWriteError;
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** The file of a unit (see fileKey()). */
  private fileOf(unit: string): string {
    return this.pathOf(fileKey(unit));
  }

  /** The path of the file named by `key` (see fileKey()). */
  private pathOf(key: string): string {
    // Unit names never contain '/', but a hostile client might ask to read one that does. Joined
    // by hand (the directory is resolved once): path.join's normalization, run for every line
    // logged, was hot enough at start-up to bring in the optimizing compiler.
    return `${this.dir}/${key.replace(/[/\0]/g, '_')}.journal`;
  }

  /** Appends one entry (a message with newlines becomes one entry per line). */
  append(entry: JournalEntry): void {
    const lines = entry.message.split('\n');
    const key = fileKey(entry.unit);
    const file = this.pathOf(key);
    let text = '';
    for (const message of lines) text += `${Math.floor(entry.time)}\t${entry.unit}\t${entry.pid}\t${entry.priority}\t${entry.identifier}\t${message}\n`;
    try {
      let size = this.sizes.get(key);
      if (size === undefined) size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      if (size + text.length > this.maxFileBytes && size > 0) {
        fs.renameSync(file, `${file}.1`);
        size = 0;
      }
      fs.appendFileSync(file, text, { mode: 0o600 });
      this.sizes.set(key, size + Buffer.byteLength(text));
      this.writeFailing = false;
    } catch (e) {
      // A full or read-only disk must not stop the manager; the entry is still streamed to followers.
      this.sizes.delete(key);
      if (!this.writeFailing) this.onWriteError?.(e as Error);
      this.writeFailing = true;
    }
    for (const message of lines) this.events.emit('entry', { ...entry, message });
  }

  /** The last `n` entries of a unit (all when n is undefined), oldest first. */
  tail(unit: string, n?: number): JournalEntry[] {
    const file = this.fileOf(unit);
    const out: JournalEntry[] = [];
    for (const f of [`${file}.1`, file]) {
      let text: string;
      try {
        text = fs.readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n')) {
        const e = parseJournalLine(line);
        if (e && e.unit === unit) out.push(e);
      }
    }
    return n === undefined ? out : out.slice(Math.max(0, out.length - n));
  }
}

/**
 * Which file a unit's entries go to: its name, or for an instance of a template the template's
 * name. Instances share the template's file (`greet@.socket`'s thousands of `greet@N-….service`
 * connections make one rotated file, not one file each, kept forever); entries carry their unit,
 * so reading filters.
 */
function fileKey(unit: string): string {
  const at = unit.indexOf('@');
  const dot = unit.lastIndexOf('.');
  return at > 0 && dot > at ? `${unit.slice(0, at + 1)}${unit.slice(dot)}` : unit;
}

/** Parses one journal file line; undefined for a torn or foreign line. */
export function parseJournalLine(line: string): JournalEntry | undefined {
  const f = line.split('\t');
  if (f.length < 6) return undefined;
  const time = Number(f[0]);
  const pid = Number(f[2]);
  const priority = Number(f[3]);
  if (!Number.isFinite(time) || !Number.isFinite(pid) || !Number.isFinite(priority)) return undefined;
  return { time, unit: f[1], pid, priority, identifier: f[4], message: f.slice(5).join('\t') };
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An entry in journalctl's `short` format: `Nov 21 01:51:06 host ident[pid]: message`. */
export function formatJournalShort(e: JournalEntry, host = hostName()): string {
  const d = new Date(Math.floor(e.time / 1000));
  const p2 = (n: number) => String(n).padStart(2, '0');
  const ts = `${months[d.getMonth()]} ${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  return `${ts} ${host} ${e.identifier}[${e.pid}]: ${e.message}`;
}

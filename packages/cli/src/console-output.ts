/**
 * `--log-target=console`: every line a service writes to a captured stream (what systemd would
 * send to the journal) also goes to unitkitd's stdout as `UNIT[PID]: line` — the unit name where
 * syslog and journalctl's short format put the identifier, without the timestamp and host,
 * because `docker logs -t` and `kubectl logs --timestamps` add their own and the host is the
 * container. One line per line, never interleaved mid-line, so log collectors that split on
 * newlines and match `^(\S+)\[(\d+)\]: ` (fluent-bit's and Loki's syslog-style parsers) can tell
 * the units apart.
 */
import type { JournalEntry } from './control-protocol.js';

/** Formats one captured line for the console. */
export function formatConsoleLine(entry: Pick<JournalEntry, 'unit' | 'pid' | 'message'>): string {
  return `${entry.unit}[${entry.pid}]: ${entry.message}\n`;
}

/** Writes captured lines to a stream (stdout by default); stops quietly once the stream fails. */
export class ConsoleOutput {
  private broken = false;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {
    // A reader that went away (EPIPE) must not turn every later line into an internal error.
    stream.on('error', () => (this.broken = true));
  }

  /** Writes one entry (several lines when its message holds newlines). */
  write(entry: JournalEntry): void {
    if (this.broken) return;
    let text = '';
    for (const message of entry.message.split('\n')) text += formatConsoleLine({ ...entry, message });
    try {
      this.stream.write(text);
    } catch {
      this.broken = true;
    }
  }
}

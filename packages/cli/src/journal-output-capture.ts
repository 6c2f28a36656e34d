/**
 * The production OutputCapture: a pipe per captured stream, read through the event loop; each
 * line becomes a journal entry of the unit, stamped with the pid of the process that wrote it.
 * Lives in the cli package because it writes unitkitd's journal (a manager composing its own
 * journal binds its own capture).
 */
import type { CapturedStream, CapturedStreamOptions, EventLoop, FdWatch, OutputCapture } from '@unitkit/core';
import { OutputLineFilter } from '@unitkit/core';
import { closeFd, pipe, readFd } from '@unitkit/native';
import type { Journal } from './journal.js';
import type { JournalEntry } from './control-protocol.js';

/** A line longer than this is cut into several entries, as journald cuts at LineMax= (48K). */
const LINE_MAX = 48 * 1024;

/** A captured stream as a manager re-exec hands it over. */
export interface CapturedStreamState {
  /** The pipe's read end. */
  fd: number;
  unit: string;
  identifier: string;
  priority: number;
  pid: number;
  /** An unfinished line read so far. */
  pending: string;
  /** SyslogLevelPrefix=, LogLevelMax=, the rate limit (absent in the state of an older image: the defaults). */
  options?: CapturedStreamOptions;
}

/** OutputCapture that writes into a {@link Journal}. */
export class JournalOutputCapture implements OutputCapture {
  /** `tee`, when given, sees every captured line too (`--log-target=console` writes it to stdout). */
  constructor(
    private readonly loop: EventLoop,
    private readonly journal: Journal,
    private readonly tee?: (entry: JournalEntry) => void,
  ) {}

  /** The streams being read, by their read end: handed to the next image on a manager re-exec. */
  private readonly live = new Map<number, () => CapturedStreamState>();

  /** The streams being read now, with their read-end fds (which a re-exec must keep open). */
  liveStreams(): CapturedStreamState[] {
    return [...this.live.values()].map((f) => f());
  }

  /**
   * Manager re-exec: reads on from the pipes the previous image read (the services still write to
   * them); their unread lines were waiting in the pipe meanwhile.
   */
  adoptStreams(streams: CapturedStreamState[]): void {
    for (const st of streams) {
      if (!Number.isInteger(st.fd) || st.fd < 0) continue;
      const s = this.stream(st.unit, st.identifier, st.priority, st.options ?? {}, st.fd, undefined, st.pending ?? '');
      s.spawned(st.pid);
    }
  }

  open(unit: string, identifier: string, priority: number, options: CapturedStreamOptions = {}): CapturedStream {
    const [readEnd, writeEnd] = pipe(true);
    return this.stream(unit, identifier, priority, options, readEnd, writeEnd, '');
  }

  private stream(unit: string, identifier: string, priority: number, options: CapturedStreamOptions, readEnd: number, writeEnd: number | undefined, pendingText: string): CapturedStream & { fd: number } {
    let pid = 0;
    let pending = pendingText;
    let watch: FdWatch | undefined;
    let writeOpen = writeEnd !== undefined;
    const filter = new OutputLineFilter(priority, options);
    const append = (entry: JournalEntry) => {
      this.journal.append(entry);
      this.tee?.(entry);
    };
    const emit = (text: string) => {
      const time = this.loop.realtime();
      const line = filter.line(text, time);
      if (!line) return;
      // journald's own words when its rate limit dropped lines of this unit.
      if (line.suppressed) append({ time, unit, pid: 0, priority: 5, identifier: 'unitkitd', message: `Suppressed ${line.suppressed} messages from ${unit}` });
      append({ time, unit, pid, priority: line.priority, identifier, message: line.message });
    };
    const finish = () => {
      this.live.delete(readEnd);
      watch?.dispose();
      watch = undefined;
      if (pending) emit(pending);
      pending = '';
      try {
        closeFd(readEnd);
      } catch {
        // Already closed.
      }
    };
    const drain = () => {
      for (;;) {
        let buf: Buffer | null;
        try {
          buf = readFd(readEnd, 65536);
        } catch {
          return finish();
        }
        if (buf === null) return; // EAGAIN: wait for more.
        if (buf.length === 0) return finish(); // EOF: every writer is gone.
        pending += buf.toString('utf8');
        let nl: number;
        while ((nl = pending.indexOf('\n')) !== -1) {
          emit(pending.slice(0, nl));
          pending = pending.slice(nl + 1);
        }
        while (pending.length > LINE_MAX) {
          emit(pending.slice(0, LINE_MAX));
          pending = pending.slice(LINE_MAX);
        }
      }
    };
    return {
      fd: writeEnd ?? -1,
      spawned: (p: number) => {
        pid = p;
        // The manager's copy of the write end must go, or EOF never comes.
        if (writeOpen) {
          writeOpen = false;
          closeFd(writeEnd!);
        }
        this.live.set(readEnd, () => ({ fd: readEnd, unit, identifier, priority, pid, pending, options }));
        watch = this.loop.watchFd(readEnd, { readable: true }, () => drain());
      },
      abort: () => {
        if (writeOpen) {
          writeOpen = false;
          closeFd(writeEnd!);
        }
        finish();
      },
    };
  }
}

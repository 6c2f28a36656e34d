/**
 * The production OutputCapture: a pipe per captured stream, read through the event loop; each
 * line becomes a journal entry of the unit, stamped with the pid of the process that wrote it.
 * Lives in the cli package because it writes unitkitd's journal (a manager composing its own
 * journal binds its own capture).
 */
import type { CapturedStream, EventLoop, FdWatch, OutputCapture } from '@unitkit/core';
import { closeFd, pipe, readFd } from '@unitkit/native';
import type { Journal } from './journal.js';

/** A line longer than this is cut into several entries, as journald cuts at LineMax= (48K). */
const LINE_MAX = 48 * 1024;

/** OutputCapture that writes into a {@link Journal}. */
export class JournalOutputCapture implements OutputCapture {
  constructor(
    private readonly loop: EventLoop,
    private readonly journal: Journal,
  ) {}

  open(unit: string, identifier: string, priority: number): CapturedStream {
    const [readEnd, writeEnd] = pipe(true);
    let pid = 0;
    let pending = '';
    let watch: FdWatch | undefined;
    let writeOpen = true;
    const emit = (message: string) =>
      this.journal.append({ time: this.loop.realtime(), unit, pid, priority, identifier, message });
    const finish = () => {
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
      fd: writeEnd,
      spawned: (p: number) => {
        pid = p;
        // The manager's copy of the write end must go, or EOF never comes.
        if (writeOpen) {
          writeOpen = false;
          closeFd(writeEnd);
        }
        watch = this.loop.watchFd(readEnd, { readable: true }, () => drain());
      },
      abort: () => {
        if (writeOpen) {
          writeOpen = false;
          closeFd(writeEnd);
        }
        finish();
      },
    };
  }
}

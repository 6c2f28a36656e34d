/**
 * OutputCapture that records what was opened and lets a test write lines "from the process".
 */
import type { CapturedStream, CapturedStreamOptions, OutputCapture } from '@unitkit/core';

/** One fake captured stream. */
export interface FakeCapturedStream extends CapturedStream {
  unit: string;
  identifier: string;
  priority: number;
  /** SyslogLevelPrefix=, LogLevelMax=, the rate limit the unit asked for. */
  options: CapturedStreamOptions;
  pid?: number;
  lines: string[];
  /** True when the spawn never happened and the stream was closed. */
  aborted: boolean;
}

/** The fake capture port. Write ends are numbered from 700. */
export class FakeOutputCapture implements OutputCapture {
  readonly streams: FakeCapturedStream[] = [];
  private nextFd = 700;

  open(unit: string, identifier: string, priority: number, options: CapturedStreamOptions = {}): FakeCapturedStream {
    const stream: FakeCapturedStream = {
      fd: this.nextFd++,
      unit,
      identifier,
      priority,
      options,
      lines: [],
      aborted: false,
      spawned(pid: number) {
        stream.pid = pid;
      },
      abort() {
        stream.aborted = true;
      },
    };
    this.streams.push(stream);
    return stream;
  }

  /** Lines "written" by the process of `unit`, for `logs`-style assertions. */
  linesOf(unit: string): string[] {
    return this.streams.filter((s) => s.unit === unit).flatMap((s) => s.lines);
  }
}

/**
 * What a unitkitctl verb module implements: the same shape as unitkitctl.ts's verb table
 * entries, so each verb lives in its own file and is registered with one line there.
 */
import type { ControlClient } from '../control-client.js';
import type { CtlOptions } from '../ctl-options.js';
import type { Colors } from '../terminal-colors.js';

/** Where a verb writes: one call per line, without the newline. */
export interface CtlOut {
  out(line: string): void;
  err(line: string): void;
}

/** One verb: runs against a connected client and returns the exit status. */
export type CtlVerb = (c: ControlClient, o: CtlOptions, io: CtlOut, colors: Colors) => Promise<number>;

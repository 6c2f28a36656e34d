/**
 * The one list of fuzz targets. Adding a target is adding one module under targets/ that exports
 * a FuzzTarget, and one line here; the spec and `npm run fuzz` pick it up.
 */
import type { FuzzTarget } from './fuzz-target.js';
import { unitFileTarget } from './targets/unit-file.js';
import { environmentFileTarget } from './targets/environment-file.js';
import { specifiersTarget } from './targets/specifiers.js';
import { notifyDatagramTarget } from './targets/notify-datagram.js';
import { controlRequestTarget } from './targets/control-request.js';
import { controlSocketTarget } from './targets/control-socket.js';
import { calendarSpecTarget } from './targets/calendar-spec.js';

/** Every target, in the order runs report them. */
export const fuzzTargets: ReadonlyArray<FuzzTarget<any>> = [
  unitFileTarget,
  environmentFileTarget,
  specifiersTarget,
  notifyDatagramTarget,
  controlRequestTarget,
  controlSocketTarget,
  calendarSpecTarget,
];

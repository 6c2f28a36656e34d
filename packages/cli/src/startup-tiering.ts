/**
 * V8's optimizing tier during unitkitd's start-up. Start-up is a one-off burst (parsing and loading
 * the default target's units) whose code is hot for a moment and then idle: with V8's default
 * budget TurboFan compiled that code, which touched ~4 MB of the node binary's compiler pages and
 * grew the malloc arenas of its compiler threads by ~4 MB, all of it resident in an idle manager
 * (issue #19; `--no-opt` showed the same −8 MB). So unitkitd's shebang starts V8 with a larger
 * interrupt budget (`--interrupt-budget=400000`, about 6× the default: nothing of a start-up
 * reaches TurboFan), and once start-up has finished the default budget applies again: the code of
 * activations, D-Bus calls and reloads is optimized as before (a function warmed during start-up
 * needs at most the rest of its larger budget first, once).
 *
 * Sparkplug, the baseline compiler, is held back the same way (`--no-sparkplug` in the shebang):
 * its code for start-up's functions, which do not run again, took ~1.5 MB of an idle manager
 * (code space and its metadata). Start-up runs in the interpreter; once it has finished Sparkplug
 * is enabled again, and code that gets hot afterwards is compiled as by default.
 */
import { setFlagsFromString } from 'node:v8';

/** V8 11.3's (Node 20's) default `--interrupt-budget`. */
const DEFAULT_INTERRUPT_BUDGET = 67584;

/** Gives V8 its default tiering back (budget and baseline compiler); called when start-up has finished. */
export function endStartupTiering(): void {
  for (const flag of [`--interrupt-budget=${DEFAULT_INTERRUPT_BUDGET}`, '--sparkplug']) {
    try {
      setFlagsFromString(flag);
    } catch {
      // A runtime without the flag keeps what it has.
    }
  }
}

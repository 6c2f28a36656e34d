/**
 * `unitkitctl daemon-reexec`: asks unitkitd to re-execute itself, then waits until the new image
 * answers on the control socket — as systemctl prints nothing and returns once the manager is
 * back. The old image ends the connection when it execs; the listening socket is handed over,
 * so the reconnect waits in its backlog rather than failing.
 */
import { ControlClient } from './control-client.js';

/** How long to wait for the old image to go (an exec that fails leaves it running: we then ask it again). */
const EXEC_WAIT_MS = 60_000;

/** Runs the verb on a connected client; resolves to the exit status. Refusals are thrown as ControlCallError. */
export async function daemonReexec(c: ControlClient): Promise<number> {
  await c.call('daemon-reexec');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([c.closed(), new Promise<void>((resolve) => (timer = setTimeout(resolve, EXEC_WAIT_MS)))]);
  clearTimeout(timer);
  // The new image may take a moment to read its state and serve the backlog.
  for (let attempt = 0; ; attempt++) {
    try {
      const again = await ControlClient.connect(c.path, 10_000);
      try {
        await again.call('hello');
        return 0;
      } finally {
        again.close();
      }
    } catch (e) {
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

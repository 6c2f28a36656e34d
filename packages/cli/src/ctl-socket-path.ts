/**
 * Which unitkitd a unitkitctl call talks to: the control socket's path from the options and the
 * environment. Its own module so that the quick path (ctl-quick.ts) finds the socket without
 * loading the rest of the client.
 */
import * as path from 'node:path';
import { CONTROL_SOCKET_NAME } from './control-protocol.js';
import type { CtlOptions } from './ctl-options.js';

/**
 * The control socket a client talks to: --runtime-dir, else UNITKIT_RUNTIME_DIR, else unitkitd's
 * default for the scope. `--system` means the system manager's socket whoever runs unitkitctl, as
 * systemctl --system always talks to the system manager: an unprivileged user then gets that
 * socket's permission error rather than their own manager.
 */
export function controlSocketPath(o: CtlOptions, env: NodeJS.ProcessEnv, uid: number = process.getuid?.() ?? 0): string {
  const scope = o.scope ?? (uid === 0 ? 'system' : 'user');
  const dir =
    o.runtimeDir ?? env.UNITKIT_RUNTIME_DIR ??
    (scope === 'system' ? '/run/unitkit' : path.join(env.XDG_RUNTIME_DIR ?? `/run/user/${uid}`, 'unitkit'));
  return path.join(dir, CONTROL_SOCKET_NAME);
}

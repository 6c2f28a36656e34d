/**
 * The README's "Composing a manager" example, exactly as printed there (readme-examples.spec.ts
 * checks that the two agree and runs this file).
 */
// README:begin
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createManager, unitFileSourceModule } from '@unitkit/core';
import { nativePorts } from '@unitkit/native';
import { targetModule } from '@unitkit/plugin-target';
import { serviceModule } from '@unitkit/plugin-service';

// A unit directory of our own (the default search path holds the machine's user units); the unit
// has no default dependencies because this directory has no basic.target.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'my-manager-'));
fs.writeFileSync(path.join(dir, 'hello.service'), '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/echo hello\n');

// The event loop, process spawner, notify socket and a stderr logger, on the native addon.
const ports = nativePorts({ runtimeDir: path.join(dir, 'run') });
const { manager } = createManager({
  modules: [ports.module, unitFileSourceModule({ scope: 'user', searchPath: [dir] }), targetModule, serviceModule],
  options: { scope: 'user' },
});
const job = manager.addJob('start', 'hello.service', 'replace');
console.log(await job.wait()); // 'done'

// Shutting down: stop what runs, then release the manager and the ports so that Node can exit.
await manager.addJob('stop', 'hello.service', 'replace').wait();
manager.dispose();
ports.close();
fs.rmSync(dir, { recursive: true });
// README:end

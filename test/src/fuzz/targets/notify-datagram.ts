/**
 * sd_notify datagrams: core's parseNotifyMessage() on the raw text, then the same text with fds
 * sent through the fake notify socket to a running service of a random Type=/NotifyAccess=/
 * FileDescriptorStoreMax=/WatchdogSec=, from its main pid, its control pid, a child or a stranger —
 * MAINPID=, WATCHDOG_USEC=, EXTEND_TIMEOUT_USEC=, FDSTORE= with out-of-range values included —
 * followed by a random run of its processes and timers.
 */
import { parseNotifyMessage } from '@unitkit/core';
import { FuzzFailure, type FuzzTarget } from '../fuzz-target.js';
import { drive, fuzzManager, refusable, showAll } from '../fuzz-manager.js';
import { mutateText } from '../mutate.js';
import { Prng } from '../prng.js';

/** One datagram, who sends it, and the service it reaches. */
export interface NotifyInput {
  /** The [Service] body of the receiving unit. */
  service: string;
  /** Steps of the random run before the datagram is sent. */
  before: number;
  sender: 'main' | 'control' | 'child' | 'stranger' | number;
  text: string;
  fds: number[];
  /** How many times the datagram is sent (each time with the same fd numbers). */
  repeat: number;
  drive: number;
}

const numbers = ['0', '1', '-1', '4294967295', '4294967296', '18446744073709551615', '18446744073709551616', '99999999999999999999999', '1e3', ' 5', '5 ', '0x10', '', '+1', '2147483647', '2147483648'];
const keys = ['READY', 'RELOADING', 'STOPPING', 'STATUS', 'ERRNO', 'BUSERROR', 'MAINPID', 'WATCHDOG', 'WATCHDOG_USEC', 'EXTEND_TIMEOUT_USEC', 'FDSTORE', 'FDSTOREREMOVE', 'FDNAME', 'FDPOLL', 'MONOTONIC_USEC', 'BARRIER', 'X_CUSTOM'];
const types = ['notify', 'notify', 'notify-reload', 'simple', 'exec', 'forking', 'oneshot', 'dbus', 'idle'];
const access = ['main', 'exec', 'all', 'none'];

function datagram(rng: Prng): string {
  const lines: string[] = [];
  const n = rng.size(12);
  for (let i = 0; i < n; i++) {
    const k = rng.pick(keys);
    const v = k === 'READY' || k === 'RELOADING' || k === 'STOPPING' || k === 'FDSTORE' || k === 'FDSTOREREMOVE' || k === 'BARRIER' ? rng.pick(['1', '1', '0', '2', '']) : k === 'WATCHDOG' ? rng.pick(['1', 'trigger', '0', 'x']) : k === 'STATUS' || k === 'FDNAME' ? rng.pick(['ok', '', 'a:b', 'x'.repeat(300), 'stored', 'é']) : rng.pick(numbers);
    lines.push(`${k}=${v}`);
  }
  const text = lines.join('\n') + (rng.chance(0.5) ? '\n' : '');
  return rng.chance(0.4) ? mutateText(rng, text, keys.map((k) => `\n${k}=`), 3) : text;
}

/** The target. */
export const notifyDatagramTarget: FuzzTarget<NotifyInput> = {
  name: 'notify-datagram',
  description: 'sd_notify datagrams parsed by parseNotifyMessage() and handled by a running service',
  generate(rng) {
    const type = rng.pick(types);
    const service = [
      `Type=${type}`,
      `NotifyAccess=${rng.pick(access)}`,
      `ExecStart=/bin/main${type === 'forking' ? '\nPIDFile=/run/fuzz.pid' : ''}`,
      rng.chance(0.5) ? 'ExecStartPre=/bin/pre' : '',
      rng.chance(0.5) ? 'ExecStartPost=/bin/post' : '',
      rng.chance(0.5) ? 'ExecReload=/bin/reload' : '',
      `FileDescriptorStoreMax=${rng.pick(['0', '1', '2', '16', '4096'])}`,
      rng.chance(0.5) ? `WatchdogSec=${rng.pick(['1', '0', '100ms', 'infinity'])}` : '',
      rng.chance(0.5) ? `Restart=${rng.pick(['always', 'on-failure', 'no'])}\nRestartSec=1` : '',
      rng.chance(0.3) ? 'RemainAfterExit=yes' : '',
    ].filter(Boolean).join('\n');
    const fdCount = rng.chance(0.6) ? 0 : rng.size(300);
    return {
      service,
      before: rng.int(4),
      sender: rng.chance(0.9) ? rng.pick(['main', 'main', 'main', 'control', 'child', 'stranger'] as const) : rng.pick([0, -1, 1, 2 ** 31, 2 ** 53]),
      text: datagram(rng),
      fds: Array.from({ length: fdCount }, () => rng.pick([3, 100 + rng.int(1000), -1, 2 ** 31, 0])),
      repeat: rng.chance(0.9) ? 1 : rng.size(50),
      drive: rng.int(2 ** 31),
    };
  },
  run(input) {
    const parsed = parseNotifyMessage(input.text);
    if (parsed.ok) {
      for (const k of parsed.fields.keys()) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new FuzzFailure(`invalid key parsed: ${JSON.stringify(k)}`);
    }
    const rng = new Prng(input.drive);
    const t = fuzzManager();
    t.units.file('n.service', `[Unit]\nDefaultDependencies=no\n[Service]\n${input.service}\n`);
    const u = t.unit('n.service');
    refusable(() => t.manager.addJob('start', u, 'replace'));
    t.run();
    if (input.before > 0) drive(t, rng, input.before);
    const running = t.spawner.running();
    const main = running[0];
    let pid: number;
    if (typeof input.sender === 'number') pid = input.sender;
    else if (input.sender === 'stranger' || !main) pid = 999_999;
    else if (input.sender === 'child') pid = main.fork().pid;
    else if (input.sender === 'control') pid = running[running.length - 1]!.pid;
    else pid = main.pid;
    for (let i = 0; i < input.repeat; i++) t.notify.send(pid, input.text, { fds: input.fds });
    showAll(t, u);
    drive(t, rng, 30);
    showAll(t, u);
    refusable(() => t.manager.addJob('stop', u, 'replace'));
    drive(t, rng, 30);
  },
  pathological: [
    {
      name: 'datagrams into the fd store (1 fd each)',
      sizes: [500, 1000, 2000, 4000],
      make: (n) => ({ service: `Type=notify\nExecStart=/bin/main\nFileDescriptorStoreMax=${n}`, before: 0, sender: 'main', text: 'FDSTORE=1\nFDNAME=s', fds: [7], repeat: n, drive: 1 }),
    },
    {
      name: 'datagrams to a running service',
      sizes: [1000, 2000, 4000, 8000],
      make: (n) => ({ service: 'Type=notify\nExecStart=/bin/main\nWatchdogSec=10', before: 0, sender: 'main', text: 'READY=1\nSTATUS=running\nWATCHDOG=1\nEXTEND_TIMEOUT_USEC=1000', fds: [], repeat: n, drive: 1 }),
    },
    {
      name: 'fds passed in one datagram (FDSTORE=1)',
      sizes: [500, 1000, 2000, 4000],
      make: (n) => ({ service: `Type=notify\nExecStart=/bin/main\nFileDescriptorStoreMax=${n}`, before: 0, sender: 'main', text: 'FDSTORE=1', fds: Array.from({ length: n }, (_, i) => 10 + i), repeat: 1, drive: 1 }),
    },
  ],
};

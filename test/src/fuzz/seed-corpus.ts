/**
 * The seed corpus of unit files: the repository's example units, the machine's own systemd unit
 * files when present (read at run time, never copied into the repository) and built-in samples
 * that reach the directives the others rarely use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One seed unit file. */
export interface SeedUnit {
  name: string;
  text: string;
  /** Where it came from: a path, or "built-in". */
  origin: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Samples that cover the service, socket and target tables and the syntax's corners. */
export const builtInUnits: SeedUnit[] = [
  {
    name: 'fuzz.service',
    origin: 'built-in',
    text: `[Unit]
Description=Fuzz %n of %p (%i)
Documentation=man:fuzz(8) https://example.com
Wants=other.service
After=other.service network.target
ConditionPathExists=!/nonexistent
AssertPathExists=/
StartLimitIntervalSec=10
StartLimitBurst=3
OnFailure=failed@%n.service
JobTimeoutSec=5min
DefaultDependencies=no

[Service]
Type=notify
NotifyAccess=all
ExecStartPre=-/bin/mkdir -p /tmp/%N
ExecStart=/bin/sh -c 'echo "hello $$FOO" \\
   && sleep 1' ; /bin/true
ExecStartPost=+/bin/true
ExecReload=/bin/kill -HUP $MAINPID
ExecStop=@/bin/true stop-arg0
ExecStopPost=!!/bin/true
Environment="FOO=bar baz" QUX=1
EnvironmentFile=-/nonexistent/env
UnsetEnvironment=QUX
WorkingDirectory=-~
TimeoutStartSec=1min 30s
TimeoutStopSec=infinity
WatchdogSec=3
Restart=on-failure
RestartSec=100ms
RestartPreventExitStatus=1 SIGKILL
SuccessExitStatus=2 SIGUSR1
FileDescriptorStoreMax=4
KillMode=mixed
KillSignal=SIGINT
SendSIGHUP=yes
StandardOutput=journal
StandardError=inherit
SyslogIdentifier=fuzz
User=nobody
Group=nogroup
LimitNOFILE=1024:4096
UMask=0027
Nice=5
`,
  },
  {
    name: 'fuzz.socket',
    origin: 'built-in',
    text: `[Unit]
Description=Fuzz socket

[Socket]
ListenStream=127.0.0.1:0
ListenStream=%t/fuzz.sock
ListenDatagram=[::1]:0
ListenSequentialPacket=@fuzz-abstract
ListenFIFO=%t/fuzz.fifo
Accept=yes
MaxConnections=10
MaxConnectionsPerSource=2
Backlog=16
SocketMode=0600
DirectoryMode=0755
FileDescriptorName=fuzz
Service=fuzz.service
ExecStartPre=/bin/true
ExecStopPost=/bin/true
TriggerLimitIntervalSec=2s
TriggerLimitBurst=20
RemoveOnStop=yes
Symlinks=%t/fuzz.link

[Install]
WantedBy=sockets.target
`,
  },
  {
    name: 'fuzz.target',
    origin: 'built-in',
    text: `[Unit]
Description=Fuzz target
Requires=fuzz.service
BindsTo=fuzz.socket
PartOf=other.target
Conflicts=shutdown.target
Before=shutdown.target
AllowIsolate=yes
StopWhenUnneeded=yes
RefuseManualStart=no
SuccessAction=none
FailureAction=none

[Install]
Alias=fuzz-alias.target
Also=fuzz.socket
`,
  },
  {
    name: 'fuzz@.service',
    origin: 'built-in',
    text: `# comment \\
; other comment
[Unit]
Description=Instance %i %I %j %J %f
BindsTo=dev-%i.device

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/echo %i "%I" '%f' \\x41 \\; \\\\
ExecStart=-/bin/false
StandardInput=socket
`,
  },
];

function readUnitDir(dir: string, out: SeedUnit[], limit: number): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (out.length >= limit) return;
    if (!/\.(service|socket|target)$/.test(name)) continue;
    const file = path.join(dir, name);
    try {
      const st = fs.statSync(file);
      if (!st.isFile() || st.size > 64 * 1024) continue;
      out.push({ name, text: fs.readFileSync(file, 'utf8'), origin: file });
    } catch {
      // A dangling symlink (a masked unit) or an unreadable file: not a seed.
    }
  }
}

/**
 * The whole corpus: built-in samples, examples/units, then up to `machineLimit` unit files of the
 * machine's /usr/lib/systemd/{system,user} (none when `machine` is false, for runs that must not
 * depend on the machine).
 */
export function loadSeedUnits(opts: { machine?: boolean; machineLimit?: number } = {}): SeedUnit[] {
  const out: SeedUnit[] = [...builtInUnits];
  readUnitDir(path.join(repoRoot, 'examples', 'units'), out, Infinity);
  if (opts.machine !== false) {
    const limit = out.length + (opts.machineLimit ?? 400);
    readUnitDir('/usr/lib/systemd/system', out, limit);
    readUnitDir('/usr/lib/systemd/user', out, limit);
  }
  return out;
}

/** Tokens worth inserting into unit files: every "Key=" and "[Section]" the corpus uses. */
export function unitDictionary(seeds: readonly SeedUnit[]): string[] {
  const set = new Set<string>();
  for (const s of seeds) {
    for (const m of s.text.matchAll(/^([A-Za-z][A-Za-z0-9]*)=/gm)) set.add(`\n${m[1]}=`);
    for (const m of s.text.matchAll(/^\[[^\]\n]+\]/gm)) set.add(`\n${m[0]}\n`);
  }
  return [...set].sort();
}

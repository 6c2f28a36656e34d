/**
 * The targets a system manager's default dependencies name (sysinit.target, basic.target, …) and
 * the synchronization points of systemd.special(7). systemd ships them in /lib/systemd/system;
 * a container image usually has none, and the machine's own copies pull in the machine's boot
 * (local-fs.target, swap, getty…). An export therefore never follows them: it writes a small stub
 * of each one the pod needs, so that the pod's unitkitd finds every unit its default dependencies
 * require and starts nothing else.
 */

/** The stubs, by name: what each is for and what it is ordered after (systemd's own files, minus the machine). */
const stubs: Readonly<Record<string, { description: string; requires?: string[] }>> = {
  'sysinit.target': { description: 'System Initialization' },
  'basic.target': { description: 'Basic System', requires: ['sysinit.target'] },
  'sockets.target': { description: 'Sockets' },
  'timers.target': { description: 'Timers' },
  'paths.target': { description: 'Path Units' },
  'shutdown.target': { description: 'System Shutdown' },
  'local-fs.target': { description: 'Local File Systems' },
  'remote-fs.target': { description: 'Remote File Systems' },
  'network-pre.target': { description: 'Preparation for Network' },
  'network.target': { description: 'Network' },
  'network-online.target': { description: 'Network is Online', requires: ['network.target'] },
  'nss-lookup.target': { description: 'Host and Network Name Lookups' },
  'time-sync.target': { description: 'System Time Synchronized' },
  'time-set.target': { description: 'System Time Set' },
};

/** The targets every exported pod gets: what the default dependencies of services and sockets require. */
export const ALWAYS_STUBBED: readonly string[] = ['sysinit.target', 'basic.target', 'shutdown.target'];

/** True for a target an export stubs instead of copying from the source unit path. */
export function isStubbedTarget(name: string): boolean {
  return Object.hasOwn(stubs, name);
}

/** The text of the stub unit file for `name` (DefaultDependencies=no, as systemd's own). */
export function stubTargetText(name: string): string {
  const s = stubs[name];
  if (!s) throw new Error(`no stub for ${name}`);
  const lines = ['# Written by unitkitctl export: the pod has no other copy of this target.', '[Unit]', `Description=${s.description}`, 'DefaultDependencies=no'];
  if (s.requires) lines.push(`Requires=${s.requires.join(' ')}`, `After=${s.requires.join(' ')}`);
  if (name !== 'shutdown.target') lines.push('Conflicts=shutdown.target', 'Before=shutdown.target');
  return `${lines.join('\n')}\n`;
}

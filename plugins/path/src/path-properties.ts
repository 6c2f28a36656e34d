/**
 * The path unit's `systemctl show` properties (org.freedesktop.systemd1.Path of systemd 252), in
 * its order and formats as `systemctl --user show x.path` prints them.
 */
import { prop, type PropertyList, type Unit } from '@unitkit/core';
import type { PathData } from './path-unit-type.js';

/** Every Path property of `unit`. */
export function pathProperties(unit: Unit<PathData>): PropertyList {
  const d = unit.data;
  const s = d.settings;
  const list: PropertyList = [['Unit', prop.string(d.trigger)]];
  // systemd prepends each spec to its list: the last line is shown first.
  for (const spec of [...d.specs].reverse()) list.push(['Paths', prop.raw(`${spec.path} (${spec.type})`, { busItem: [spec.type, spec.path] })]);
  list.push(
    ['MakeDirectory', prop.bool(s.makeDirectory)],
    ['DirectoryMode', prop.raw(s.directoryMode.toString(8).padStart(4, '0'))],
    ['Result', prop.string(d.result)],
    ['TriggerLimitIntervalUSec', prop.usec(s.triggerLimitInterval)],
    ['TriggerLimitBurst', prop.int(s.triggerLimitBurst)],
  );
  return list;
}

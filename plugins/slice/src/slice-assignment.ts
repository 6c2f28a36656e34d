/**
 * The load extension that puts every unit with a cgroup into its slice, as systemd's
 * unit_set_default_slice() and unit_add_slice_dependencies() do: Slice= when set, else the
 * manager's default (app.slice / system.slice, `app-foo.slice` for instances of foo@.service); a
 * slice's own parent comes from its name. The unit gets InSlice= on the slice (SliceOf= on the
 * other side) and Requires=/After= on it whatever DefaultDependencies= says — so starting a unit
 * starts its slice first, and stopping a slice stops everything in it. It also reads the unit's
 * resource-control settings into `unit.cgroupContext`.
 */
import { injectable } from 'inversify';
import type { Unit, UnitDefinition, UnitLoadExtension } from '@unitkit/core';
import { cgroupContextSections } from './resource-control-directives.js';
import { readCgroupContext } from './cgroup-context-reader.js';
import { ROOT_SLICE, defaultSliceOf, sliceParent } from './slice-name.js';
import { defaultTasksMax } from './system-limits.js';

const sectionOf = new Map(cgroupContextSections.map(({ section, unitType }) => [unitType, section]));

/** Which slice `unit` belongs in: the parent for a slice, Slice= or the default for the others. */
export function sliceFor(unit: Unit, section: ReadonlyMap<string, unknown> | undefined): string | undefined {
  if (unit.type.suffix === 'slice') return sliceParent(unit.id);
  const configured = section?.get('Slice');
  return typeof configured === 'string' ? configured : defaultSliceOf(unit.id, unit.manager.scope);
}

/** See the file comment. */
@injectable()
export class SliceAssignment implements UnitLoadExtension {
  unitLoaded(unit: Unit, definition: UnitDefinition): void {
    const sectionName = sectionOf.get(unit.type.suffix);
    if (sectionName === undefined) return;
    const section = definition.sections.get(sectionName);
    // Slices are unlimited by default; every other unit gets DefaultTasksMax= (unit_patch_contexts()).
    unit.cgroupContext = readCgroupContext(section, unit.type.suffix === 'slice' ? Infinity : defaultTasksMax());
    const slice = sliceFor(unit, section);
    if (slice === undefined) return;
    if (unit.id === ROOT_SLICE) return;
    unit.addDependency('InSlice', slice);
    unit.addDependency('Requires', slice);
    unit.addDependency('After', slice);
  }
}

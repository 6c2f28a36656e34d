/**
 * Dependency kinds between units, their inverses, and the "atoms" that say what each kind does —
 * the same decomposition systemd uses (src/core/unit-dependency-atom.c), so that the engine asks
 * "which units do I pull in with a start job?" rather than listing dependency names everywhere.
 */

/** Every dependency kind a unit can have on another, with systemd's property names. */
export type UnitDependency =
  | 'Requires' | 'Requisite' | 'Wants' | 'BindsTo' | 'PartOf' | 'Upholds'
  | 'RequiredBy' | 'RequisiteOf' | 'WantedBy' | 'BoundBy' | 'ConsistsOf' | 'UpheldBy'
  | 'Conflicts' | 'ConflictedBy'
  | 'Before' | 'After'
  | 'OnSuccess' | 'OnSuccessOf' | 'OnFailure' | 'OnFailureOf'
  | 'Triggers' | 'TriggeredBy'
  | 'PropagatesReloadTo' | 'ReloadPropagatedFrom'
  | 'PropagatesStopTo' | 'StopPropagatedFrom'
  | 'JoinsNamespaceOf'
  | 'References' | 'ReferencedBy'
  /**
   * The slice a unit's processes (or, for a slice, its child cgroups) sit in, and its inverse:
   * systemd's UNIT_IN_SLICE/UNIT_SLICE_OF. They carry no engine atoms; the implicit Requires=/After=
   * on the slice are separate edges, added by whoever assigns the slice (the slice plugin).
   */
  | 'InSlice' | 'SliceOf';

/** The inverse of each dependency kind: adding A Requires B also records B RequiredBy A. */
export const dependencyInverse: Readonly<Record<UnitDependency, UnitDependency>> = {
  Requires: 'RequiredBy',
  Requisite: 'RequisiteOf',
  Wants: 'WantedBy',
  BindsTo: 'BoundBy',
  PartOf: 'ConsistsOf',
  Upholds: 'UpheldBy',
  RequiredBy: 'Requires',
  RequisiteOf: 'Requisite',
  WantedBy: 'Wants',
  BoundBy: 'BindsTo',
  ConsistsOf: 'PartOf',
  UpheldBy: 'Upholds',
  Conflicts: 'ConflictedBy',
  ConflictedBy: 'Conflicts',
  Before: 'After',
  After: 'Before',
  OnSuccess: 'OnSuccessOf',
  OnSuccessOf: 'OnSuccess',
  OnFailure: 'OnFailureOf',
  OnFailureOf: 'OnFailure',
  Triggers: 'TriggeredBy',
  TriggeredBy: 'Triggers',
  PropagatesReloadTo: 'ReloadPropagatedFrom',
  ReloadPropagatedFrom: 'PropagatesReloadTo',
  PropagatesStopTo: 'StopPropagatedFrom',
  StopPropagatedFrom: 'PropagatesStopTo',
  JoinsNamespaceOf: 'JoinsNamespaceOf',
  References: 'ReferencedBy',
  ReferencedBy: 'References',
  InSlice: 'SliceOf',
  SliceOf: 'InSlice',
};

/** All dependency kinds in the order `systemctl show` prints them. */
export const allDependencies: readonly UnitDependency[] = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds',
  'RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy', 'UpheldBy', 'ConsistsOf',
  'Conflicts', 'ConflictedBy', 'Before', 'After',
  'OnSuccess', 'OnSuccessOf', 'OnFailure', 'OnFailureOf',
  'Triggers', 'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom',
  'PropagatesStopTo', 'StopPropagatedFrom', 'JoinsNamespaceOf', 'References', 'ReferencedBy',
  'InSlice', 'SliceOf',
];

/**
 * What a dependency does in the engine. A kind carries a set of these; the engine only ever asks
 * for units related by an atom.
 */
export type AtomName =
  | 'PullInStart'
  | 'PullInStartIgnored'
  | 'PullInVerify'
  | 'PullInStop'
  | 'PullInStopIgnored'
  | 'RetroactiveStartReplace'
  | 'RetroactiveStartFail'
  | 'RetroactiveStopOnStop'
  | 'RetroactiveStopOnStart'
  | 'PropagateStop'
  | 'PropagateRestart'
  | 'PropagateStartFailure'
  | 'PropagateStopFailure'
  | 'PropagateInactiveStartAsFailure'
  | 'PinsStopWhenUnneeded'
  | 'AddStopWhenUnneededQueue'
  | 'CannotBeActiveWithout'
  | 'AddCannotBeActiveWithoutQueue'
  | 'AddStartWhenUpheldQueue'
  | 'StartSteadily'
  | 'DefaultTargetDependencies'
  | 'AddDefaultTargetDependencyQueue'
  | 'OnFailure'
  | 'OnSuccess'
  | 'OnFailureOf'
  | 'OnSuccessOf'
  | 'Before'
  | 'After'
  | 'Triggers'
  | 'TriggeredBy'
  | 'PropagatesReloadTo'
  | 'References'
  | 'ReferencedBy'
  | 'JoinsNamespaceOf';

/** The atoms of each dependency kind, as systemd 252 assigns them. */
export const dependencyAtoms: Readonly<Record<UnitDependency, readonly AtomName[]>> = {
  Requires: ['PullInStart', 'RetroactiveStartReplace', 'AddStopWhenUnneededQueue', 'AddDefaultTargetDependencyQueue'],
  Requisite: ['PullInVerify', 'AddStopWhenUnneededQueue', 'AddDefaultTargetDependencyQueue'],
  Wants: ['PullInStartIgnored', 'RetroactiveStartFail', 'AddStopWhenUnneededQueue', 'AddDefaultTargetDependencyQueue'],
  BindsTo: ['PullInStart', 'RetroactiveStartReplace', 'CannotBeActiveWithout', 'AddStopWhenUnneededQueue', 'AddDefaultTargetDependencyQueue'],
  PartOf: ['AddDefaultTargetDependencyQueue'],
  Upholds: ['PullInStartIgnored', 'RetroactiveStartReplace', 'AddStartWhenUpheldQueue', 'AddStopWhenUnneededQueue', 'AddDefaultTargetDependencyQueue'],
  RequiredBy: ['PropagateStop', 'PropagateRestart', 'PropagateStartFailure', 'PinsStopWhenUnneeded', 'DefaultTargetDependencies'],
  RequisiteOf: ['PropagateStop', 'PropagateRestart', 'PropagateStartFailure', 'PropagateInactiveStartAsFailure', 'PinsStopWhenUnneeded', 'DefaultTargetDependencies'],
  WantedBy: ['DefaultTargetDependencies', 'PinsStopWhenUnneeded'],
  BoundBy: ['RetroactiveStopOnStop', 'PropagateStop', 'PropagateRestart', 'PropagateStartFailure', 'PinsStopWhenUnneeded', 'AddCannotBeActiveWithoutQueue', 'DefaultTargetDependencies'],
  ConsistsOf: ['PropagateStop', 'PropagateRestart'],
  UpheldBy: ['StartSteadily', 'DefaultTargetDependencies', 'PinsStopWhenUnneeded'],
  Conflicts: ['PullInStop', 'RetroactiveStopOnStart'],
  ConflictedBy: ['PullInStopIgnored', 'RetroactiveStopOnStart', 'PropagateStopFailure'],
  Before: ['Before'],
  After: ['After'],
  OnSuccess: ['OnSuccess'],
  OnSuccessOf: ['OnSuccessOf'],
  OnFailure: ['OnFailure'],
  OnFailureOf: ['OnFailureOf'],
  Triggers: ['Triggers'],
  TriggeredBy: ['TriggeredBy'],
  PropagatesReloadTo: ['PropagatesReloadTo'],
  ReloadPropagatedFrom: [],
  PropagatesStopTo: ['RetroactiveStopOnStop', 'PropagateStop'],
  StopPropagatedFrom: [],
  JoinsNamespaceOf: ['JoinsNamespaceOf'],
  References: ['References'],
  ReferencedBy: ['ReferencedBy'],
  InSlice: [],
  SliceOf: [],
};

/**
 * Each kind's bit in a unit's dependency masks (Unit keeps one Map<Unit, mask> instead of a Set per
 * kind: issue #19). Bits follow `allDependencies`, except that JoinsNamespaceOf, the rarest kind,
 * takes bit 30: V8 keeps integers below 2^30 unboxed, so every common mask stays a small integer.
 */
export const dependencyBit: Readonly<Record<UnitDependency, number>> = (() => {
  const order: UnitDependency[] = [...allDependencies.filter((d) => d !== 'JoinsNamespaceOf'), 'JoinsNamespaceOf'];
  return Object.fromEntries(order.map((d, i) => [d, 2 ** i])) as Record<UnitDependency, number>;
})();

/** The kinds by bit position, the inverse of {@link dependencyBit}. */
export const dependencyOfBit: readonly UnitDependency[] = (Object.keys(dependencyBit) as UnitDependency[]).sort(
  (a, b) => dependencyBit[a] - dependencyBit[b],
);

const byAtom = new Map<AtomName, UnitDependency[]>();
for (const d of Object.keys(dependencyAtoms) as UnitDependency[]) {
  for (const a of dependencyAtoms[d]) {
    const list = byAtom.get(a) ?? [];
    list.push(d);
    byAtom.set(a, list);
  }
}

const maskByAtom = new Map<AtomName, number>();
for (const [a, kinds] of byAtom) maskByAtom.set(a, kinds.reduce((m, k) => m | dependencyBit[k], 0));

/** The dependency kinds that carry `atom`, precomputed because the engine asks this on every job. */
export function dependenciesWithAtom(atom: AtomName): readonly UnitDependency[] {
  return byAtom.get(atom) ?? [];
}

/** The bits (see {@link dependencyBit}) of the kinds that carry `atom`; 0 for none. */
export function dependencyMaskOfAtom(atom: AtomName): number {
  return maskByAtom.get(atom) ?? 0;
}

/**
 * The slice tree is in the names: `a-b.slice` sits in `a.slice`, which sits in the root slice
 * `-.slice` (systemd's slice_name_is_valid(), slice_build_parent_slice(), unit_name_to_path()),
 * and the default slice of a unit follows the manager's mode (unit_set_default_slice()).
 */
import { isValidUnitName, unitNameEscape, unitNameInstance, unitNamePathUnescape, unitNameWithoutSuffix } from '@unitkit/unit-file';

/** The root slice, parent of every top-level slice. */
export const ROOT_SLICE = '-.slice';

/**
 * slice_name_is_valid(): `-.slice`, or a valid non-template unit name ending in .slice whose
 * prefix has no empty dash-separated part (no leading, trailing or double dash).
 */
export function isValidSliceName(name: string): boolean {
  if (name === ROOT_SLICE) return true;
  if (!name.endsWith('.slice') || !isValidUnitName(name, { plain: true })) return false;
  const prefix = unitNameWithoutSuffix(name);
  return prefix.split('-').every((p) => p !== '');
}

/** The parent slice of a slice name: `a-b.slice` → `a.slice`, `a.slice` → `-.slice`, `-.slice` → undefined. */
export function sliceParent(name: string): string | undefined {
  if (name === ROOT_SLICE) return undefined;
  const prefix = unitNameWithoutSuffix(name);
  const dash = prefix.lastIndexOf('-');
  return dash < 0 ? ROOT_SLICE : `${prefix.slice(0, dash)}.slice`;
}

/** Every slice from the root down to `name` itself: `a-b.slice` → [-.slice, a.slice, a-b.slice]. */
export function sliceChain(name: string): string[] {
  const chain: string[] = [];
  for (let s: string | undefined = name; s !== undefined; s = sliceParent(s)) chain.unshift(s);
  return chain;
}

/** The description systemd gives a slice without one: "Slice /a/b" (unit_name_to_path() of the name). */
export function sliceDefaultDescription(name: string): string | undefined {
  try {
    return `Slice ${unitNamePathUnescape(unitNameWithoutSuffix(name))}`;
  } catch {
    return undefined;
  }
}

/**
 * unit_set_default_slice(): instances of a template get a slice of their own below the mode's
 * default slice (`app-foo.slice` for foo@bar.service in a user manager, `system-foo.slice` in a
 * system one: the template's prefix escaped once more, "-" becoming "\x2d"); other units get
 * app.slice (user) or system.slice (system).
 */
export function defaultSliceOf(unitName: string, scope: 'system' | 'user'): string {
  const base = scope === 'system' ? 'system' : 'app';
  if (unitNameInstance(unitName)) {
    const prefix = unitName.slice(0, unitName.indexOf('@'));
    return `${base}-${unitNameEscape(prefix)}.slice`;
  }
  return `${base}.slice`;
}

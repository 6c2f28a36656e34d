/** Validation of the names the D-Bus spec constrains: object paths, interfaces, members, errors, bus names. */

const PATH = /^\/$|^(\/[A-Za-z0-9_]+)+$/;
const ELEMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BUS_ELEMENT = /^[A-Za-z_-][A-Za-z0-9_-]*$/;
const UNIQUE_ELEMENT = /^[A-Za-z0-9_-]+$/;
const MAX_NAME = 255;

/** `/`, or `/`-separated non-empty elements of `[A-Za-z0-9_]`, no trailing slash. */
export function isValidObjectPath(path: string): boolean {
  return PATH.test(path);
}

/** At least two `.`-separated elements, each `[A-Za-z_][A-Za-z0-9_]*`, at most 255 bytes. */
export function isValidInterfaceName(name: string): boolean {
  if (name.length > MAX_NAME) return false;
  const parts = name.split('.');
  return parts.length >= 2 && parts.every((p) => ELEMENT.test(p));
}

/** Error names follow the interface name rules. */
export function isValidErrorName(name: string): boolean {
  return isValidInterfaceName(name);
}

/** One element `[A-Za-z_][A-Za-z0-9_]*`, 1..255 bytes. */
export function isValidMemberName(name: string): boolean {
  return name.length <= MAX_NAME && ELEMENT.test(name);
}

/**
 * A unique name (`:1.42`, elements may start with digits) or a well-known name (`org.foo.Bar`,
 * elements may contain `-`), at least two elements, at most 255 bytes.
 */
export function isValidBusName(name: string): boolean {
  if (name.length > MAX_NAME || name.length === 0) return false;
  if (name.startsWith(':')) {
    const parts = name.slice(1).split('.');
    return parts.length >= 2 && parts.every((p) => UNIQUE_ELEMENT.test(p));
  }
  const parts = name.split('.');
  return parts.length >= 2 && parts.every((p) => BUS_ELEMENT.test(p));
}

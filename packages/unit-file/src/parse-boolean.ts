import { ValueError } from './value-error.js';

const TRUE = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const FALSE = new Set(['0', 'no', 'n', 'false', 'f', 'off']);

/** Parses a boolean as systemd's parse_boolean(): 1/yes/y/true/t/on and 0/no/n/false/f/off, any case. */
export function parseBoolean(value: string): boolean {
  const v = value.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new ValueError(`Failed to parse boolean value: '${value}'`);
}

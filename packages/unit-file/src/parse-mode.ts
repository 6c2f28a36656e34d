import { ValueError } from './value-error.js';

/** Parses an octal file mode (0644, 755) as systemd's parse_mode(): 0…07777. Throws ValueError. */
export function parseMode(text: string): number {
  const t = text.trim();
  if (!/^[0-7]+$/.test(t)) throw new ValueError(`Invalid mode (expected an octal number): '${text}'`);
  const n = parseInt(t, 8);
  if (n > 0o7777) throw new ValueError(`Mode out of range (at most 07777): '${text}'`);
  return n;
}

/** Parses an unsigned decimal integer with an optional upper bound (safe_atou()). Throws ValueError. */
export function parseUnsigned(text: string, max = 2 ** 32 - 1): number {
  const t = text.trim();
  if (!/^\+?[0-9]+$/.test(t)) throw new ValueError(`Invalid number: '${text}'`);
  const n = Number(t);
  if (n > max) throw new ValueError(`Number out of range (at most ${max}): '${text}'`);
  return n;
}

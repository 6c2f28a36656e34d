import { ValueError } from './value-error.js';

const IEC: [string, number][] = [['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 1024], ['B', 1], ['', 1]];
const SI: [string, number][] = [['E', 1e18], ['P', 1e15], ['T', 1e12], ['G', 1e9], ['M', 1e6], ['K', 1000], ['B', 1], ['', 1]];

/**
 * Parses a byte size as systemd's parse_size(): "512", "64K", "1.5G", "2M 512K"; base 1024
 * (IEC, the default) or 1000. "infinity" → Infinity when `allowInfinity`. Throws ValueError.
 */
export function parseSize(text: string, base: 1024 | 1000 = 1024, allowInfinity = false): number {
  const t = text.trim();
  if (allowInfinity && t === 'infinity') return Infinity;
  const table = base === 1024 ? IEC : SI;
  let rest = t;
  let total = 0;
  if (!rest) throw new ValueError(`Invalid size: '${text}'`);
  while (rest) {
    const m = /^([0-9]+)(?:\.([0-9]+))?\s*/.exec(rest);
    if (!m) throw new ValueError(`Invalid size: '${text}'`);
    rest = rest.slice(m[0].length);
    const unit = table.find(([s]) => s !== '' && rest.startsWith(s)) ?? ['', 1];
    rest = rest.slice(unit[0].length).trimStart();
    const whole = Number(m[1]);
    const frac = m[2] ? Number('0.' + m[2]) : 0;
    total += whole * unit[1] + Math.floor(frac * unit[1]);
    if (m[2] && unit[1] === 1) throw new ValueError(`Invalid size (fraction of a byte): '${text}'`);
  }
  if (total >= 2 ** 64) throw new ValueError(`Size out of range: '${text}'`);
  return total;
}

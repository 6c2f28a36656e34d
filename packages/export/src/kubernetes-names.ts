/**
 * Names Kubernetes accepts, made from unit names and paths: object names are DNS labels (RFC 1035:
 * lowercase letters, digits and '-', starting with a letter, at most 63 characters), port names at
 * most 15 characters, ConfigMap and Secret keys `[-._a-zA-Z0-9]+`. Unit names have '@', '.', '_'
 * and '\x2d' escapes, so every name goes through here.
 */

/** A DNS-1035 label from `text` (`greet@.service` → `greet`, `my_app.socket` → `my-app-socket`). */
export function dnsLabel(text: string, max = 63): string {
  let s = text
    .toLowerCase()
    .replace(/\\x[0-9a-f]{2}/g, '-')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(s)) s = `u-${s}`;
  s = s.slice(0, max).replace(/-+$/g, '');
  return s;
}

/** The Kubernetes name of a unit: its name without the type suffix and template marks. */
export function unitObjectName(unit: string): string {
  return dnsLabel(unit.replace(/\.[a-z]+$/, '').replace(/@$/, ''));
}

/** A port name (an IANA_SVC_NAME: at most 15 characters, a letter among them, no '--'). */
export function portName(protocol: string, port: number): string {
  return `${protocol.toLowerCase()}-${port}`;
}

/** Hands out ConfigMap/Secret keys for file paths, each unique within one map. */
export class KeyAllocator {
  private readonly used = new Set<string>();

  /** A key for `relativePath` (`greet@.service.d/a.conf` → `greet_.service.d_a.conf`), made unique. */
  key(relativePath: string): string {
    const base = relativePath.replace(/^\/+/, '').replace(/[^-._a-zA-Z0-9]/g, '_').slice(0, 240) || 'file';
    let k = base;
    for (let i = 2; this.used.has(k); i++) k = `${base}.${i}`;
    this.used.add(k);
    return k;
  }
}

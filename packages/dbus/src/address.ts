/**
 * D-Bus server addresses (`unix:path=/run/dbus/system_bus_socket;unix:abstract=x,guid=…`) and the
 * standard bus locations. Only the unix transport is connectable here.
 */

/** One entry of an address list: transport and its key=value parameters (unescaped). */
export interface DbusAddress {
  transport: string;
  params: Record<string, string>;
}

/**
 * Parses an address list (entries separated by `;`, `transport:key=value,key=value`, values
 * %-escaped). Throws Error with the reason on bad syntax.
 */
export function parseDbusAddress(text: string): DbusAddress[] {
  const out: DbusAddress[] = [];
  for (const entry of text.split(';')) {
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new Error(`invalid D-Bus address "${entry}": no transport`);
    const params: Record<string, string> = {};
    const rest = entry.slice(colon + 1);
    for (const pair of rest ? rest.split(',') : []) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`invalid D-Bus address "${entry}": "${pair}" is not key=value`);
      const key = pair.slice(0, eq);
      if (key in params) throw new Error(`invalid D-Bus address "${entry}": "${key}" given twice`);
      params[key] = unescapeValue(pair.slice(eq + 1), entry);
    }
    out.push({ transport: entry.slice(0, colon), params });
  }
  if (out.length === 0) throw new Error('empty D-Bus address');
  return out;
}

function unescapeValue(value: string, entry: string): string {
  if (!/^([-0-9A-Za-z_/.\\*]|%[0-9A-Fa-f]{2})*$/.test(value)) throw new Error(`invalid D-Bus address "${entry}": bad characters in "${value}"`);
  return Buffer.from(value.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

/** Escapes a value for an address (`/run/x y` → `/run/x%20y`). */
export function escapeAddressValue(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[-0-9A-Za-z_/.\\*]/.test(c) ? c : '%' + b.toString(16).padStart(2, '0');
    })
    .join('');
}

/**
 * The socket path of the first connectable entry: `unix:path=P` → P, `unix:abstract=N` → `@N`.
 * Throws when no entry is a unix path or abstract address.
 */
export function unixSocketPath(address: string | DbusAddress[]): string {
  const entries = typeof address === 'string' ? parseDbusAddress(address) : address;
  for (const e of entries) {
    if (e.transport !== 'unix') continue;
    if (e.params.path !== undefined) return e.params.path;
    if (e.params.abstract !== undefined) return '@' + e.params.abstract;
  }
  throw new Error(`no unix:path= or unix:abstract= entry in D-Bus address ${JSON.stringify(typeof address === 'string' ? address : '')}`);
}

/** The session bus address: $DBUS_SESSION_BUS_ADDRESS, else `unix:path=$XDG_RUNTIME_DIR/bus`. */
export function sessionBusAddress(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DBUS_SESSION_BUS_ADDRESS) return env.DBUS_SESSION_BUS_ADDRESS;
  if (env.XDG_RUNTIME_DIR) return `unix:path=${escapeAddressValue(env.XDG_RUNTIME_DIR + '/bus')}`;
  throw new Error('no session bus: neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set');
}

/** The system bus address: $DBUS_SYSTEM_BUS_ADDRESS, else `unix:path=/run/dbus/system_bus_socket`. */
export function systemBusAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.DBUS_SYSTEM_BUS_ADDRESS || 'unix:path=/run/dbus/system_bus_socket';
}

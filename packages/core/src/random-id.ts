/**
 * Random 128-bit identifiers in hex (invocation ids, a D-Bus server's GUID), from the kernel's
 * random pool through /dev/urandom.
 *
 * Not node:crypto: loading it (OpenSSL's bindings, ~20 modules) costs ~2 MB of an idle manager's
 * resident memory (issue #19) to draw 16 bytes per unit start. The bytes are read 4 KB at a time
 * and handed out from that pool, so a start costs no system call in 255 of 256 cases. Where
 * /dev/urandom cannot be read (a container without /dev), node:crypto is loaded after all.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';

const POOL_BYTES = 4096;
let pool: Buffer | undefined;
let used = POOL_BYTES;

function refill(): Buffer {
  pool ??= Buffer.allocUnsafeSlow(POOL_BYTES);
  try {
    const fd = fs.openSync('/dev/urandom', 'r');
    try {
      for (let got = 0; got < POOL_BYTES; ) {
        const n = fs.readSync(fd, pool, got, POOL_BYTES - got, null);
        if (n <= 0) throw new Error('/dev/urandom: short read');
        got += n;
      }
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
    crypto.randomFillSync(pool);
  }
  used = 0;
  return pool;
}

/** `bytes` random bytes (at most 4096) as lowercase hex: 32 digits for the default 16, an sd_id128. */
export function randomHexId(bytes = 16): string {
  const from = used + bytes <= POOL_BYTES ? pool! : refill();
  const hex = from.toString('hex', used, used + bytes);
  // Handed out bytes are cleared: the pool never hands the same bytes to two callers, nor keeps them.
  from.fill(0, used, used + bytes);
  used += bytes;
  return hex;
}

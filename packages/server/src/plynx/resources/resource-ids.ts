// Resource ids look like PLynx's: time-based (version 1) UUIDs. The node part is random (with the multicast
// bit set, as RFC 9562 asks for ids not tied to a network card) and a counter keeps ids made within the same
// 100 ns tick distinct, so ids from one process never repeat.
import crypto from 'node:crypto';
import type { Clock } from '../../clock.ts';

// 100-nanosecond intervals between the Gregorian reform (1582-10-15) and the Unix epoch.
const GREGORIAN_OFFSET = 0x01b21dd213814000n;

/** Makes version-1-shaped UUID strings from `clock`'s time. */
export function resourceIdGenerator(clock: Clock): () => string {
  const node = crypto.randomBytes(6);
  node[0]! |= 0x01;
  const clockSeq = crypto.randomBytes(2).readUInt16BE(0) & 0x3fff;
  let last = -1n;
  return () => {
    let ticks = BigInt(clock.now()) * 10_000n + GREGORIAN_OFFSET;
    if (ticks <= last) ticks = last + 1n; // same millisecond (or a clock set back): keep increasing
    last = ticks;
    const low = Number(ticks & 0xffffffffn);
    const mid = Number((ticks >> 32n) & 0xffffn);
    const high = Number((ticks >> 48n) & 0x0fffn) | 0x1000;
    const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
    return `${hex(low, 8)}-${hex(mid, 4)}-${hex(high, 4)}-${hex(0x8000 | clockSeq, 4)}-${node.toString('hex')}`;
  };
}

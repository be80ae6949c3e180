// ObjectIds as bson makes them: creation seconds, a random value fixed per process, an incrementing counter.
const processPart = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(5)), (b) => b.toString(16).padStart(2, '0')).join('');
let counter = globalThis.crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;

/**
 * A new 24-hex-digit ObjectId, as the python client gives every node instance.
 * @example
 * ```ts
 * newObjectId(); // '6930a1c2' + 10 per-process digits + a 6-digit counter
 * ```
 */
export function newObjectId(now: number = Date.now()): string {
  counter = (counter + 1) % 0x1000000;
  const seconds = Math.floor(now / 1000).toString(16).padStart(8, '0');
  return `${seconds}${processPart}${counter.toString(16).padStart(6, '0')}`;
}

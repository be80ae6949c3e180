// Python identifiers derived from PLynx titles and names, as upstream's code generator derives them.
import { sha1Hex } from './sha1.js';

/**
 * Class name of an operation: the title split on every character that is not an ASCII letter, each piece
 * capitalised (first letter upper, rest lower) and the pieces joined. Digits are dropped with the rest:
 * `"seq 100"` → `Seq`, `"word2vec"` → `WordVec`. A title without letters gives an empty name (as upstream).
 */
export function operationClassName(title: string): string {
  return title
    .split(/[^a-zA-Z]/u)
    .map((piece) => piece.slice(0, 1).toUpperCase() + piece.slice(1).toLowerCase())
    .join('');
}

/** Variable name: every code point other than an ASCII letter or digit becomes `_`; case is kept. */
export function pythonVarName(text: string): string {
  return text.replace(/[^a-zA-Z0-9]/gu, '_');
}

/**
 * Picks a name not in `used` (and records it). A taken name gets `_` and four hex digits appended.
 * Upstream draws those digits from a time-based UUID, so its scripts differ between calls; here they are
 * the first four hex digits of SHA-1 of `seed` (the library node id), then of `seed#1`, `seed#2`, ... should
 * that be taken too, so the same graph always gives the same script.
 */
export function uniqueName(base: string, seed: string, used: Set<string>): string {
  let name = base;
  for (let attempt = 0; used.has(name); attempt++) {
    name = `${base}_${sha1Hex(attempt === 0 ? seed : `${seed}#${attempt}`).slice(0, 4)}`;
  }
  used.add(name);
  return name;
}

/**
 * The SDK's own version, for `pipeloom --version`.
 * @module
 */
import fs from 'node:fs';

/**
 * The `version` field of the SDK's package.json. It is read from disk rather than imported: a JSON import
 * needs import attributes, whose syntax and support differ between Node 20, 22 and 24. The file sits two
 * folders up from both src/cli/ and dist/cli/, so sources and the built bin read the same file.
 */
export function sdkVersion(): string {
  const manifest: { version?: unknown } = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const { version } = manifest;
  if (typeof version !== 'string') throw new Error('the SDK package.json has no version');
  return version;
}

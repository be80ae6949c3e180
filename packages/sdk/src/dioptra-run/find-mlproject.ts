// Where the project lies in an unpacked workflow archive. Dioptra's job script runs `find . -name
// MLproject`; an archive holding several picks the shallowest, ties broken by path, so the choice is stable.
import fs from 'node:fs';
import path from 'node:path';

/**
 * The `MLproject` file below `root` nearest to it (links are not followed), or undefined.
 * @example
 * ```ts
 * const file = await findMlProject('/tmp/job/workflow'); // '/tmp/job/workflow/workflows/MLproject'
 * ```
 */
export async function findMlProject(root: string): Promise<string | undefined> {
  let level = [root];
  while (level.length > 0) {
    const found: string[] = [];
    const next: string[] = [];
    for (const dir of level) {
      for (const entry of await fs.promises.readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) next.push(full);
        else if (entry.name === 'MLproject' && entry.isFile()) found.push(full);
      }
    }
    if (found.length > 0) return found.sort()[0];
    level = next;
  }
  return undefined;
}

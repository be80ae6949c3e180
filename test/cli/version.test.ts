// `pipeloom --version`: the program built in-process, and the shipped bin, which reads the version from the
// built dist/ rather than the sources.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../packages/sdk/src/cli/program.ts';
import { root } from './helpers.ts';

const manifest: { version: string } = JSON.parse(fs.readFileSync(path.join(root, 'packages/sdk/package.json'), 'utf8'));

/** Parses `args` with the in-process program; returns what it printed and the exit code it asked for. */
async function runProgram(args: string[]): Promise<{ stdout: string; exitCode: number | undefined }> {
  let stdout = '';
  const program = buildProgram().exitOverride().configureOutput({ writeOut: (text) => { stdout += text; } });
  try {
    await program.parseAsync(args, { from: 'user' });
    return { stdout, exitCode: undefined };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { stdout, exitCode: error.exitCode };
  }
}

describe('pipeloom --version', () => {
  it('When asked for --version or -V, then it prints the SDK package version and exits 0', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runProgram([flag]);
      expect(result).toEqual({ stdout: `${manifest.version}\n`, exitCode: 0 });
    }
  });

  it('When the shipped bin is asked for --version, then it prints the same version', () => {
    const bin = spawnSync(process.execPath, [path.join(root, 'packages/sdk/bin/pipeloom.js'), '--version'], { encoding: 'utf8' });
    expect(bin.stderr).toBe('');
    expect(bin.status).toBe(0);
    expect(bin.stdout).toBe(`${manifest.version}\n`);
  });

  it('When asked for help, then --version is listed', async () => {
    let help = '';
    buildProgram().configureOutput({ writeOut: (text) => { help += text; } }).outputHelp();
    expect(help).toMatch(/-V, --version\s+print the version of the Pipeloom SDK/);
  });
});

// The inputs hash that complete_job stores and change detection recomputes (semantics.md §5).
import { describe, expect, it } from 'vitest';
import { inputsHash, stringHash } from '../../packages/server/src/torc/lifecycle/input-hash.ts';

describe('inputs hash', () => {
  it('When hashing text, then it is Java\'s String.hashCode made non-negative', () => {
    expect(stringHash('')).toBe(0);
    expect(stringHash('a')).toBe(97);
    expect(stringHash('hello')).toBe(99162322);
    // 'polygenelubricants' hashes to Integer.MIN_VALUE in Java.
    expect(stringHash('polygenelubricants')).toBe(2 ** 31);
  });

  it('When the inputs come in another order, then the hash is the same; a new revision or command changes it', () => {
    const job = { command: 'run.sh', invocation_script: null };
    const inputs = [{ edge: 'needs', inputId: 2, rev: 1 }, { edge: 'consumes', inputId: 5, rev: 3 }, { edge: 'needs', inputId: 1, rev: 1 }];
    const base = inputsHash(job, inputs);
    expect(inputsHash(job, [...inputs].reverse())).toBe(base);
    expect(inputsHash(job, [{ ...inputs[0]!, rev: 2 }, inputs[1]!, inputs[2]!])).not.toBe(base);
    expect(inputsHash({ ...job, command: 'run.sh --fast' }, inputs)).not.toBe(base);
    expect(inputsHash({ ...job, invocation_script: 'bash' }, inputs)).not.toBe(base);
  });
});

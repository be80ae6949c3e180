// Operation(...) and File(...): keyword names, outputs, and the python client's argument errors.
import { describe, expect, it } from 'vitest';
import { File, InvalidTypeArgumentError, MissingArgumentError, NodeAttributeError, Operation, OutputItem, pyName, TooManyArgumentsError } from '@pipeloom/sdk/plynx';

describe('Operation and File', () => {
  it('When names contain - or ., then they are passed and read with _ instead, and keep their own name on the wire', () => {
    expect(pyName('max-count.v2')).toBe('max_count_v2');
    const Split = Operation({ id: '5d2d4b1dc36682386f559e04', inputs: ['raw-data'], params: ['chunk.size'], outputs: ['part-1', 'part.2'] });
    const seq = File({ id: '5d2d4b1dc36682386f559e01' });
    const node = Split({ raw_data: seq.outputs.out, chunk_size: 3 });
    expect(node.inputs).toEqual([['raw-data', [seq.outputs.out]]]);
    expect(node.params).toEqual([['chunk.size', 3]]);
    expect(node.outputs.part_1).toBeInstanceOf(OutputItem);
    expect(node.outputs.part_2.outputName).toBe('part.2');
    expect(node.outputs.part_2.node).toBe(node);
  });

  it('When an operation is called twice, then each call is a new instance with its own ObjectId', () => {
    const Sum = Operation({ id: '5d2d4b1dc36682386f559e03', title: 'Sum', inputs: ['input'], outputs: ['output'] });
    const [a, b] = [Sum(), Sum()];
    expect(a._id).toMatch(/^[0-9a-f]{24}$/);
    expect(a._id).not.toBe(b._id);
    expect(a.title).toBe('Sum');
    expect(Sum({ title: 'Total', description: 'all of it' }).title).toBe('Total');
    expect(Sum().inputs).toEqual([['input', null]]);
  });

  it('When File is called, then it is an instance already, with the single output out', () => {
    const seq = File({ id: '5d2d4b1dc36682386f559e01', title: 'seq 100', description: 'numbers' });
    expect(Object.keys(seq.outputs)).toEqual(['out']);
    expect([seq.parentNode, seq.title, seq.description]).toEqual(['5d2d4b1dc36682386f559e01', 'seq 100', 'numbers']);
  });

  it('When the id is missing, then MissingArgumentError', () => {
    expect(() => Operation({ id: '' })).toThrow(MissingArgumentError);
    expect(() => File({ id: '' })).toThrow(MissingArgumentError);
  });

  it('When an undeclared argument slips past the types, then TooManyArgumentsError names it', () => {
    const Grep = Operation({ id: '5d2d4b1dc36682386f559e02', inputs: ['input'], params: ['template'], outputs: ['output'] });
    const args: Record<string, unknown> = { template: 'x', pattern: 'y' };
    expect(() => Grep(args)).toThrow(TooManyArgumentsError);
    expect(() => Grep(args)).toThrow(/`pattern`/);
  });

  it('When an input gets something other than an output, or a parameter an object, then InvalidTypeArgumentError', () => {
    const Grep = Operation({ id: '5d2d4b1dc36682386f559e02', inputs: ['input'], params: ['template'], outputs: ['output'] });
    const asInput: Record<string, unknown> = { input: 'seq.txt' };
    const inList: Record<string, unknown> = { input: [File({ id: '5d2d4b1dc36682386f559e01' }).outputs.out, 'x'] };
    const asParam: Record<string, unknown> = { template: { re: '^1' } };
    expect(() => Grep(asInput)).toThrow(InvalidTypeArgumentError);
    expect(() => Grep(inList)).toThrow(InvalidTypeArgumentError);
    expect(() => Grep(asParam)).toThrow(InvalidTypeArgumentError);
  });

  it('When an undeclared output is read, then NodeAttributeError', () => {
    const seq = File({ id: '5d2d4b1dc36682386f559e01' });
    expect(() => Reflect.get(seq.outputs, 'output')).toThrow(NodeAttributeError);
    expect(() => Reflect.get(seq.outputs, 'output')).toThrow('Outputs object has no attribute `output`');
  });
});

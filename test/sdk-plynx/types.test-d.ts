// Type tests (checked by `npm run typecheck`): an operation's call takes exactly its declared inputs and params.
import { expectTypeOf } from 'vitest';
import { File, Operation, type NodeInstance, type OutputItem } from '@pipeloom/sdk/plynx';

const Grep = Operation({ id: '5d2d4b1dc36682386f559e02', title: 'Grep', inputs: ['input'], params: ['template'], outputs: ['output'] });
const Sum = Operation({ id: '5d2d4b1dc36682386f559e03', title: 'Sum', inputs: ['input'], params: [], outputs: ['output'] });
const Split = Operation({ id: '5d2d4b1dc36682386f559e04', inputs: ['raw-data'], params: ['chunk.size'], outputs: ['part-1'] });
const seq = File({ id: '5d2d4b1dc36682386f559e01', title: 'seq 100' });

const a = Grep({ input: seq.outputs.out, template: '^1' });
expectTypeOf(a).toEqualTypeOf<NodeInstance<'output'>>();
expectTypeOf(a.outputs.output).toEqualTypeOf<OutputItem>();
expectTypeOf(Sum({ input: [a.outputs.output] }).outputs).toHaveProperty('output');
expectTypeOf(Split({ raw_data: seq.outputs.out, chunk_size: 4 }).outputs).toHaveProperty('part_1');
expectTypeOf(seq.outputs).toHaveProperty('out');

// @ts-expect-error an undeclared input does not compile
Grep({ inputs: seq.outputs.out });
// @ts-expect-error an undeclared parameter does not compile
Grep({ input: seq.outputs.out, pattern: '^1' });
// @ts-expect-error an operation without params takes none
Sum({ input: seq.outputs.out, template: '^1' });
// @ts-expect-error names with - are passed with _
Split({ 'raw-data': seq.outputs.out });
// @ts-expect-error an input takes outputs, not values
Grep({ input: 'seq.txt' });
// @ts-expect-error an undeclared output cannot be read
void a.outputs.out;
// @ts-expect-error a file has only `out`
void seq.outputs.output;

// Names known only at run time: any keyword is accepted by the types (the run time still checks them).
const names: string[] = ['input'];
const Dynamic = Operation({ id: '5d2d4b1dc36682386f559e05', inputs: names, params: names, outputs: names });
Dynamic({ input: seq.outputs.out, anything: 'x' });
expectTypeOf(Dynamic({}).outputs).toEqualTypeOf<{ readonly [x: string]: OutputItem }>();

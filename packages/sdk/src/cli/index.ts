/**
 * The entry point of the `pipeloom` bin: parses the command line and runs the command (see ./program.ts).
 * @module
 */
import { buildProgram } from './program.js';

await buildProgram().parseAsync(process.argv);

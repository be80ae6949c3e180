/**
 * The `pipeloom` command line: `pipeloom worker` runs a workflow's jobs on this machine, and
 * `pipeloom workflow ...` creates, starts, restarts, watches and cancels workflows. Building the program
 * parses nothing, so tests can drive it in-process.
 * @module
 */
import { Command } from 'commander';
import { registerGraphCommand } from './graph-command.js';
import { registerWorkerCommand } from './worker-command.js';
import { sdkVersion } from './version.js';
import { registerWorkflowCommand } from './workflow-command.js';

export function buildProgram(): Command {
  const program = new Command('pipeloom')
    .description('Run and manage Pipeloom (Torc-compatible) workflows.')
    .version(sdkVersion(), '-V, --version', 'print the version of the Pipeloom SDK this command comes from')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerWorkerCommand(program);
  registerWorkflowCommand(program);
  registerGraphCommand(program);
  return program;
}

/**
 * The one rule for turning a command line into a process, shared by jobs' commands and the workflow's
 * scripts (`workflow_startup_script`, `workflow_completion_script`, `worker_startup_script`): split as
 * Python's `shlex.split` would, then run without a shell, with the workflow's variables in the environment.
 * @module
 */
import { parse } from 'shell-quote';

/**
 * Splits a command line into program and arguments the way Torc does (Python's `shlex.split`, then exec
 * with no shell): quotes and backslashes are honoured, `$VARS` are not expanded, and shell operators such as
 * `|` or `>` are passed to the program as plain arguments. With an `invocationScript` the line run is
 * `<invocationScript> <command>`. `onOperator` is told about each shell operator found.
 *
 * @example
 * ```ts
 * import { splitCommand } from '@pipeloom/sdk/node';
 * splitCommand(`python work.py -i "my file.json"`); // ['python', 'work.py', '-i', 'my file.json']
 * splitCommand('work.py', 'bash wrap.sh');           // ['bash', 'wrap.sh', 'work.py']
 * ```
 */
export function splitCommand(command: string, invocationScript?: string, onOperator?: (op: string) => void): string[] {
  const line = invocationScript ? `${invocationScript} ${command}` : command;
  const args: string[] = [];
  for (const entry of parse(line, (name) => `$${name}`)) {
    if (typeof entry === 'string') args.push(entry);
    else if ('comment' in entry) args.push(...`#${entry.comment}`.split(/\s+/).filter(Boolean));
    else if (entry.op === 'glob') args.push(entry.pattern);
    else {
      onOperator?.(entry.op);
      args.push(entry.op);
    }
  }
  if (args.length === 0) throw new Error('the command is empty');
  return args;
}

/** What a command learns about where it runs. */
export interface CommandScope {
  workflowKey: string;
  /** Set for a job's command; absent for the workflow's scripts. */
  jobKey?: string;
  /** The server's URL, when known. */
  serverUrl?: string;
}

/**
 * The environment a job's command or a workflow script runs with: this process's environment plus
 * TORC_WORKFLOW_KEY and PIPELOOM_WORKFLOW_KEY, TORC_JOB_KEY and PIPELOOM_JOB_KEY for a job, and
 * PIPELOOM_SERVER_URL when the server's URL is known.
 *
 * @example
 * ```ts
 * commandEnvironment({ workflowKey: '17', jobKey: '42' }).TORC_JOB_KEY; // '42'
 * ```
 */
export function commandEnvironment(scope: CommandScope, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    TORC_WORKFLOW_KEY: scope.workflowKey,
    PIPELOOM_WORKFLOW_KEY: scope.workflowKey,
    ...(scope.jobKey === undefined ? {} : { TORC_JOB_KEY: scope.jobKey, PIPELOOM_JOB_KEY: scope.jobKey }),
    ...(scope.serverUrl ? { PIPELOOM_SERVER_URL: scope.serverUrl } : {}),
  };
}

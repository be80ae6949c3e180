import type { Command } from 'commander';

/** `pipeloom workflow create|start|restart|status|cancel`: see ../workflow/. */
export function registerWorkflowCommand(_program: Command): void {}

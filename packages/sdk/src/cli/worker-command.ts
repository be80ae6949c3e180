import type { Command } from 'commander';

/** `pipeloom worker <workflow-key>`: see ../worker/. */
export function registerWorkerCommand(_program: Command): void {}

// The names Dioptra's jobs give their content: a job's workflow archive and its log. Kept in one place so
// that the content collected at start (content/collect.ts) is recognised as Dioptra's by the same rules
// that named it.
import crypto from 'node:crypto';

const WORKFLOW_PREFIX = 'dioptra-workflow-';
const LOG = /^dioptra-job-([0-9a-f-]{36})-log$/;

/** A fresh key for a submitted job's workflow archive. */
export const newWorkflowKey = (): string => `${WORKFLOW_PREFIX}${crypto.randomBytes(16).toString('hex')}`;

/** The key of a job's log (one per job; a later upload replaces it). */
export const logKeyOf = (jobId: string): string => `dioptra-job-${jobId}-log`;

/** The job whose log `key` is, or null when it is no log key. */
export const jobIdOfLogKey = (key: string): string | null => LOG.exec(key)?.[1] ?? null;

/** Whether `key` names a Dioptra job's archive or log. */
export const isDioptraContentKey = (key: string): boolean => key.startsWith(WORKFLOW_PREFIX) || LOG.test(key);

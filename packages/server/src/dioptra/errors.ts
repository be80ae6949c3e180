// Dioptra's error classes as its clients see them: each is an AppError with a catalog code (which sets the
// status) and upstream's exact message, so scripts that match on the text keep working.
import { AppError, type ErrorCode } from '../errors.ts';

const dioptraError = (code: ErrorCode, message: string) => () => new AppError(code, message);

export const ExperimentDoesNotExistError = dioptraError('DOCUMENT_NOT_FOUND', 'Not Found - The requested experiment does not exist');
export const ExperimentAlreadyExistsError = dioptraError('INVALID_ARGUMENT', 'Bad Request - The experiment name on the registration form already exists. Please select another and resubmit.');
export const ExperimentRegistrationError = dioptraError('INVALID_ARGUMENT', 'Bad Request - The experiment registration form contains invalid parameters. Please verify and resubmit.');
export const JobDoesNotExistError = dioptraError('DOCUMENT_NOT_FOUND', 'Not Found - The requested job does not exist');
export const JobSubmissionError = dioptraError('INVALID_ARGUMENT', 'Bad Request - The job submission form contains invalid parameters. Please verify and resubmit.');
export const QueueDoesNotExistError = dioptraError('DOCUMENT_NOT_FOUND', 'Not Found - The requested queue does not exist');
export const QueueAlreadyExistsError = dioptraError('INVALID_ARGUMENT', 'Bad Request - The queue name on the registration form already exists. Please select another and resubmit.');
export const QueueRegistrationError = dioptraError('INVALID_ARGUMENT', 'Bad Request - The queue registration form contains invalid parameters. Please verify and resubmit.');
export const TaskPluginDoesNotExistError = dioptraError('DOCUMENT_NOT_FOUND', 'Not Found - The requested task plugin package does not exist');
export const TaskPluginAlreadyExistsError = dioptraError('INVALID_ARGUMENT', 'Bad Request - The names of one or more of the uploaded task plugin packages conflicts with an existing package in the collection. To update an existing task plugin package, delete it first and then resubmit.');
export const TaskPluginUploadError = dioptraError('INVALID_ARGUMENT', 'Bad Request - The task plugin upload form contains invalid parameters. Please verify and resubmit.');

/** Upstream answers a rename onto a taken name with a 500 (a database integrity error); Pipeloom says 409. */
export const nameTaken = (what: 'experiment' | 'queue', name: string) =>
  new AppError('CONFLICT', `Conflict - Another current ${what} is already named '${name}'. Please select another and resubmit.`);

/**
 * The message upstream gives when a create form fails validation, by the path the form is posted to. Our
 * contract validates the form before any handler runs, so the family's error renderer uses this to reword
 * the validator's detail into Dioptra's generic sentence.
 */
export const FORM_ERROR_MESSAGES: Readonly<Record<string, string>> = {
  '/api/experiment/': ExperimentRegistrationError().message,
  '/api/job/': JobSubmissionError().message,
  '/api/queue/': QueueRegistrationError().message,
  '/api/taskPlugin/': TaskPluginUploadError().message,
};

/** True for a unique-constraint violation reported by Prisma. */
export const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === 'P2002';

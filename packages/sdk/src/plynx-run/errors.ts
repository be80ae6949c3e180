// Errors of the PLynx node renderer and runner. They carry no HTTP meaning: a server maps them to its own
// error answers, and the runner turns them into a FAILED result with their message as the reason.

/** The node cannot be turned into a script: not a script kind, no usable `cmd`, or a broken template. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

// Previews print values the way Python would (PLynx's templates see Python lists and reprs). The one
// implementation of Python's repr() lives in the SDK's graph module, which GENERATE_CODE uses too.
export { pyRepr, pyStrRepr } from '@pipeloom/sdk/plynx-graph';
export type { PyValue } from '@pipeloom/sdk/plynx-run';

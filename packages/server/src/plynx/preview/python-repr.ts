// Previews print values the way Python would (PLynx's templates see Python lists and reprs). The one
// implementation of Python's repr() lives in the SDK's graph module, which GENERATE_CODE uses too.
export { pyRepr, pyStrRepr } from '@pipeloom/sdk/plynx-graph';

/** The values a preview prints: what PLynx's parameters and paths hold. */
export type PyValue = string | number | boolean | null | readonly PyValue[];

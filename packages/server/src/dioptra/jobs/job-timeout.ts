// A job's time limit as Dioptra takes it: a number and a unit (`12h`). Upstream's form checks the text with
// `re.match(r"\d+?[dhms]")`, a prefix match, so `12hours` passes the form; RQ then reads the number and the
// unit. Here the same prefix is read, so a limit the form accepts always has a meaning.

/** The limit when none is submitted: RQ's `default_timeout="24h"` on Dioptra's queues. */
export const DEFAULT_TIMEOUT_SECONDS = 24 * 60 * 60;

const PREFIX = /^(\d+)([dhms])/;
const UNIT_SECONDS = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;

/** The limit in seconds, or null when the text is not a limit (or is zero, or too large to count). */
export function timeoutSeconds(text: string): number | null {
  const match = PREFIX.exec(text);
  if (!match) return null;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : null;
}

// Reading settings from the environment. A bad value stops the server with one sentence naming the
// variable, what it must be and what it was, instead of a stack trace or a silently wrong default.

/** A setting the server cannot start with. main.ts prints its message alone and exits 1. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const unset = (value: string | undefined): value is undefined => value === undefined || value.trim() === '';

/** A whole number in [min, max]; `fallback` when unset. */
export function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER, unit = 'a whole number' } = {}): number {
  const value = env[name];
  if (unset(value)) return fallback;
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `between ${min} and ${max}`;
    throw new ConfigError(`${name} must be ${unit} ${range}, got "${value}"`);
  }
  return n;
}

export function readBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (unset(value)) return fallback;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

export function readChoice<T extends string>(env: NodeJS.ProcessEnv, name: string, choices: readonly T[], fallback: T): T {
  const value = env[name];
  if (unset(value)) return fallback;
  const v = value.trim() as T;
  if (!choices.includes(v)) throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${value}"`);
  return v;
}

/**
 * A problem that stops the server before it serves (database unreachable or read-only, port taken, ...).
 * main.ts prints the message as one line on stderr and exits 1; a stack trace would only bury it.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

import { pino, type Logger } from 'pino';

/** JSON logs to stdout; ship them with whatever collects stdout. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'pipeloom' } });
}

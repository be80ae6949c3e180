// Settings are checked when the server starts: a bad value is one sentence naming the variable, and a
// relative SQLite path means the same file whichever npm script (and so whichever directory) starts it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveDatabaseUrl } from '../../packages/server/src/config.ts';
import { ConfigError } from '../../packages/server/src/env.ts';

describe('loadConfig', () => {
  it('reads defaults, and each family reads its own settings', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', logLevel: 'info', migrate: true });
    expect(config.families.torc).toEqual({ claimLeaseSeconds: 60, nodeLeaseSeconds: 120 });
    expect(loadConfig({ PIPELOOM_NODE_LEASE_SECONDS: '5', PIPELOOM_MIGRATE: 'false' })).toMatchObject({ migrate: false, families: { torc: { nodeLeaseSeconds: 5 } } });
  });

  it('When no timeouts are set, then headers get 10 s, whole requests 300 s and idle keep-alive connections 65 s', () => {
    expect(loadConfig({})).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 300_000, keepAliveTimeoutMs: 65_000 });
    expect(loadConfig({ PIPELOOM_HEADERS_TIMEOUT_MS: '2000', PIPELOOM_REQUEST_TIMEOUT_MS: '60000', PIPELOOM_KEEP_ALIVE_TIMEOUT_MS: '5000' }))
      .toMatchObject({ headersTimeoutMs: 2_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000 });
  });

  it('When no sign-in limits are set, then they are on with their documented defaults, and each can be changed or all turned off', () => {
    expect(loadConfig({}).signInLimits).toEqual({ enabled: true, failuresPerIp: 30, failuresPerUser: 10, tokenRequestsPerIp: 120, windowSeconds: 300 });
    expect(loadConfig({ PIPELOOM_SIGNIN_LIMITS: 'false', PIPELOOM_SIGNIN_FAILURES_PER_USER: '3', PIPELOOM_SIGNIN_FAILURES_PER_IP: '7', PIPELOOM_TOKEN_REQUESTS_PER_IP: '9', PIPELOOM_SIGNIN_WINDOW_SECONDS: '30' }).signInLimits)
      .toEqual({ enabled: false, failuresPerIp: 7, failuresPerUser: 3, tokenRequestsPerIp: 9, windowSeconds: 30 });
  });

  it.each([
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of .*got "loud"/],
    [{ HOST: 'not a host' }, /HOST must be an IP address or a host name/],
    [{ PORT: '80a' }, /PORT must be a port number/],
    [{ PORT: '70000' }, /PORT must be a port number between 0 and 65535/],
    [{ PIPELOOM_MIGRATE: 'maybe' }, /PIPELOOM_MIGRATE must be true or false/],
    [{ PIPELOOM_CLAIM_LEASE_SECONDS: '0' }, /PIPELOOM_CLAIM_LEASE_SECONDS must be a whole number of seconds of at least 1/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with file: or postgresql:\/\//],
    [{ PIPELOOM_SIGNIN_FAILURES_PER_USER: '0' }, /PIPELOOM_SIGNIN_FAILURES_PER_USER must be a whole number of attempts of at least 1/],
    [{ PIPELOOM_HEADERS_TIMEOUT_MS: '0' }, /PIPELOOM_HEADERS_TIMEOUT_MS must be a whole number of milliseconds of at least 1/],
    [{ PIPELOOM_HEADERS_TIMEOUT_MS: '20000', PIPELOOM_REQUEST_TIMEOUT_MS: '10000' }, /PIPELOOM_HEADERS_TIMEOUT_MS \(20000\) must not exceed PIPELOOM_REQUEST_TIMEOUT_MS/],
  ])('When the environment has %o, then it fails with a ConfigError naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts IPv6 addresses and host names for HOST', () => {
    expect(loadConfig({ HOST: '::' }).host).toBe('::');
    expect(loadConfig({ HOST: 'api.example.org' }).host).toBe('api.example.org');
  });
});

describe('resolveDatabaseUrl', () => {
  it('makes a relative SQLite path absolute against the directory npm was run in, keeping its query', () => {
    expect(resolveDatabaseUrl('file:./data/x.db?mode=rwc', '/srv/app')).toBe('file:/srv/app/data/x.db?mode=rwc');
    expect(resolveDatabaseUrl('file:data/x.db', '/srv/app')).toBe('file:/srv/app/data/x.db');
  });

  it('leaves absolute paths, :memory: and PostgreSQL URLs alone', () => {
    expect(resolveDatabaseUrl('file:/var/lib/x.db', '/srv')).toBe('file:/var/lib/x.db');
    expect(resolveDatabaseUrl('file::memory:', '/srv')).toBe('file::memory:');
    expect(resolveDatabaseUrl('postgresql://u@h/db', '/srv')).toBe('postgresql://u@h/db');
  });

  it('uses INIT_CWD (where the user ran npm) over the workspace directory npm switched into', () => {
    const before = process.env.INIT_CWD;
    process.env.INIT_CWD = '/home/me/pipeloom';
    try {
      expect(loadConfig({ DATABASE_URL: 'file:./data/x.db' }).databaseUrl).toBe(`file:${path.join('/home/me/pipeloom', 'data/x.db')}`);
    } finally {
      if (before === undefined) delete process.env.INIT_CWD;
      else process.env.INIT_CWD = before;
    }
  });
});

// The server as deployments run it: its main module in a process of its own, configured by the environment,
// so a test can kill it with SIGKILL, restart it on the same port, or watch that it does not crash.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createPipeloomClient, type PipeloomClient } from '@pipeloom/sdk';

const root = path.resolve(import.meta.dirname, '../..');

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  client: PipeloomClient;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** Resolves with the exit code (null when a signal ended it) once the process is gone. */
  exited: Promise<number | null>;
}

export interface ServerProcessOptions {
  /** Listen here (default: a free port); a restarted replica keeps its port. */
  port?: number;
  /** More settings for the environment (PIPELOOM_NODE_LEASE_SECONDS, LOG_LEVEL, ...). */
  env?: Record<string, string>;
}

/** `npm start` without npm: the server's main module from the TypeScript sources. */
export async function startServerProcess(databaseUrl: string, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: '', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', ...options.env };
  delete env.PIPELOOM_TOKENS;
  const child = spawn(process.execPath, ['--conditions=pipeloom-source', '--import', 'tsx', path.join(root, 'packages/server/src/main.ts')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  return { child, port, url, client: createPipeloomClient({ baseUrl: url }), output: () => output, exited };
}

/** Waits until the server answers its ping (it migrates the database first). */
export async function serverReady(server: ServerProcess, ms = 45_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`the server exited with ${server.child.exitCode}:\n${server.output()}`);
    try {
      const r = await fetch(`${server.url}/torc-service/ping`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server at ${server.url} did not answer within ${ms} ms:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM (the server drains and exits 0), SIGKILL if it lingers. */
export async function stopProcess(child: ChildProcess, exited: Promise<unknown>, ms = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

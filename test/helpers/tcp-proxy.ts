// A TCP proxy that can go down and come back on the same port: in front of the server it plays a network
// outage; in front of PostgreSQL it plays a database restart without touching the shared cluster.
import net from 'node:net';

export interface TcpProxy {
  /** The port clients connect to; it stays the same across stop() and start(). */
  readonly port: number;
  /** Connections open through the proxy right now. */
  readonly connections: number;
  /**
   * Cuts every connection and stops listening, so new connections are refused. With `postgresShutdown`, each
   * client connection that sits between two protocol messages is first told what a restarting PostgreSQL
   * tells its sessions (FATAL 57P01 admin_shutdown).
   */
  stop(options?: { postgresShutdown?: boolean }): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/** What PostgreSQL sends every session when it shuts down: an ErrorResponse, FATAL 57P01. */
function adminShutdownMessage(): Buffer {
  const fields = [['S', 'FATAL'], ['V', 'FATAL'], ['C', '57P01'], ['M', 'terminating connection due to administrator command']];
  const body = Buffer.concat([...fields.map(([k, v]) => Buffer.from(`${k}${v}\0`)), Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/**
 * Follows the server-to-client half of the PostgreSQL protocol (type byte, int32 length, payload) to know
 * whether a message may be injected without splitting one. Assumes no SSLRequest, which pg sends only
 * when the URL asks for TLS.
 */
class MessageBoundary {
  private header = Buffer.alloc(0);
  private remaining = 0;

  get atBoundary(): boolean {
    return this.remaining === 0 && this.header.length === 0;
  }

  feed(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - at);
        this.remaining -= take;
        at += take;
        continue;
      }
      const take = Math.min(5 - this.header.length, chunk.length - at);
      this.header = Buffer.concat([this.header, chunk.subarray(at, at + take)]);
      at += take;
      if (this.header.length === 5) {
        this.remaining = this.header.readInt32BE(1) - 4;
        this.header = Buffer.alloc(0);
      }
    }
  }
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  boundary: MessageBoundary;
  /** Set by stop(), which closes both ends itself (the client's maybe after one last message). */
  stopping: boolean;
}

/** Starts a proxy on a free port of 127.0.0.1 that forwards every connection to `targetHost:targetPort`. */
export async function tcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let server: net.Server | undefined;
  let port = 0;

  const accept = (client: net.Socket) => {
    const upstream = net.connect(targetPort, targetHost);
    const pair: Pair = { client, upstream, boundary: new MessageBoundary(), stopping: false };
    pairs.add(pair);
    const drop = () => {
      if (pair.stopping) return;
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    for (const s of [client, upstream]) s.on('error', drop).on('close', drop);
    upstream.on('data', (chunk: Buffer) => pair.boundary.feed(chunk));
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const start = () => new Promise<void>((resolve, reject) => {
    server = net.createServer(accept);
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      port = (server!.address() as net.AddressInfo).port;
      resolve();
    });
  });

  const stop = ({ postgresShutdown = false } = {}) => new Promise<void>((resolve) => {
    server!.close(() => resolve());
    for (const pair of pairs) {
      pair.stopping = true;
      pair.upstream.unpipe(pair.client);
      pair.client.unpipe(pair.upstream);
      pair.upstream.destroy();
      if (postgresShutdown && pair.boundary.atBoundary) {
        // Read and drop what the client still sends (its Terminate), so its end of the stream arrives and
        // the socket closes; a client that does not hang up is cut after a second.
        pair.client.resume();
        pair.client.end(adminShutdownMessage());
        setTimeout(() => pair.client.destroy(), 1_000).unref();
      } else {
        pair.client.destroy();
      }
    }
    pairs.clear();
  });

  await start();
  return {
    get port() {
      return port;
    },
    get connections() {
      return pairs.size;
    },
    start,
    stop,
  };
}

/**
 * A TCP proxy a test controls, to play a database outage: put it between the server and PostgreSQL,
 * then {@link TcpProxy.cut} every connection (and refuse new ones) and {@link TcpProxy.restore} it.
 */
import { createServer, type Server, type Socket, connect } from 'node:net';

/** A running proxy from a loopback port to `target`. */
export class TcpProxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<Socket>();
  readonly #upstreams = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  /** Starts a proxy to `host:port` on a free loopback port. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.#listen(0);
    return proxy;
  }

  /** The loopback port clients connect to. */
  get port(): number {
    return this.#port;
  }

  /** Whether new connections are accepted. */
  get isOpen(): boolean {
    return this.#server !== undefined;
  }

  /** The local ports of the proxy's connections to the target, as the target sees them. */
  upstreamPorts(): number[] {
    return [...this.#upstreams].flatMap((socket) =>
      socket.localPort === undefined ? [] : [socket.localPort],
    );
  }

  /** Drops every open connection at once and refuses new ones (ECONNREFUSED) until {@link restore}. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) =>
      server === undefined ? resolve() : server.close(() => resolve()),
    );
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await closed;
  }

  /** Accepts connections again, on the same port. */
  async restore(): Promise<void> {
    if (this.#server === undefined) await this.#listen(this.#port);
  }

  /** Cuts everything and stops for good. */
  async close(): Promise<void> {
    await this.cut();
  }

  #listen(port: number): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.#target.port, this.#target.host);
      this.#upstreams.add(upstream);
      upstream.once('close', () => this.#upstreams.delete(upstream));
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.once('close', () => this.#sockets.delete(socket));
        // A cut connection errors on both ends; either end going away takes the other with it.
        socket.on('error', () => undefined);
      }
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        this.#port = typeof address === 'object' && address !== null ? address.port : port;
        this.#server = server;
        resolve();
      });
    });
  }
}

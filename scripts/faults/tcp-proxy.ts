// A TCP proxy on 127.0.0.1 in front of a server (SMTP, IMAP), for the fault
// suite: it passes bytes through until told to cut every open connection,
// refuse new ones for a while, or hold each new one back. Written here because
// the faults wanted (a connection dropped mid-fetch, a server unreachable for a
// minute) are the proxy's whole job and take a few lines of node:net.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Destroys every open connection now (a server or network that drops them). */
  cut(): void;
  /** New connections are refused (closed at once) for `ms`; open ones are cut too. */
  refuseFor(ms: number): void;
  /** Each new connection waits `ms` before its bytes flow (a slow server), until set back to 0. */
  delay(ms: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let refusingUntil = 0;
  let delayMs = 0;
  const server = net.createServer((client) => {
    if (Date.now() < refusingUntil) return void client.destroy();
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {});
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    const join = () => client.pipe(upstream).pipe(client);
    if (delayMs > 0) {
      client.pause();
      setTimeout(join, delayMs);
    } else join();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cut = () => {
    for (const socket of open) socket.destroy();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    cut,
    refuseFor(ms) {
      refusingUntil = Date.now() + ms;
      cut();
    },
    delay(ms) {
      delayMs = ms;
    },
    close: () =>
      new Promise((resolve) => {
        cut();
        server.close(() => resolve());
      }),
  };
}

import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { ApiEnv } from './env';

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the app on `port` (0: any free port) on all interfaces. */
export function startApiServer(app: Hono<ApiEnv>, port: number, hostname = '0.0.0.0'): Promise<ApiServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
      const host = hostname === '0.0.0.0' ? 'localhost' : hostname;
      resolve({
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive connections would hold close() open; requests in flight still finish.
            (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}

// A worker process's /metrics (METRICS_PORT on METRICS_HOST): a bare node:http
// server, since a worker has no HTTP app of its own. The API process answers
// /metrics on its own port instead (api/metrics-middleware.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { scrape } from './registry';
import { scraperCheck } from './scrapers';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

export function startMetricsServer(options: { port: number; host: string; allowedIps: readonly string[] }): Promise<MetricsServer> {
  const mayScrape = scraperCheck(options.allowedIps);
  const server = createServer((request, response) => {
    answer(request, response, mayScrape).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`could not collect the metrics: ${String(error)}\n`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      // One line naming the setting to change, as for the API's PORT.
      reject(new Error(`METRICS_PORT ${options.port} on ${options.host}: ${error.code === 'EADDRINUSE' ? 'the port is in use, choose another' : error.message}`));
    });
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      resolve({ url: `http://${host}:${port}/metrics`, close: () => closeServer(server) });
    });
  });
}

async function answer(request: IncomingMessage, response: ServerResponse, mayScrape: (address: string | undefined) => boolean): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/metrics') return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') return void response.writeHead(405, { allow: 'GET, HEAD' }).end();
  const peer = request.socket.remoteAddress;
  if (!mayScrape(peer)) {
    return void response.writeHead(403, { 'content-type': 'text/plain' }).end(`requests from ${peer ?? 'an unknown address'} are not allowed (METRICS_ALLOWED_IPS)\n`);
  }
  const { contentType, body } = await scrape();
  response.writeHead(200, { 'content-type': contentType });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    // A scraper's keep-alive connection would hold close() open until it times out.
    server.closeIdleConnections();
  });
}

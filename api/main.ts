// `npm run api`: the HTTP API alone, against TEMPORAL_ADDRESS and DATABASE_URL.
import { openDatabase, openTemporalClient } from '../lib/dependencies';
import { loadConfig } from '../lib/config';
import { loadSlaPolicy } from '../lib/sla-policy';
import { log } from '../lib/log';
import { onShutdownSignal } from '../lib/shutdown';
import { API_QUERY_TIMEOUT_MS, createApp } from './app';
import { startApiServer } from './server';

const config = loadConfig();
const slaPolicy = loadSlaPolicy();
const db = await openDatabase(config, { queryTimeoutMs: API_QUERY_TIMEOUT_MS });
const temporal = await openTemporalClient(config);
const server = await startApiServer(createApp({ db, temporal, config, slaPolicy }), config.port);
log.info({ url: server.url }, 'API listening');
onShutdownSignal(async () => {
  await server.close();
  await temporal.connection.close();
  await db.destroy();
});

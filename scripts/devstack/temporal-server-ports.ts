// Temporal keeps each host's membership port in a SMALLINT column
// (cluster_membership.rpc_port): a port above 32767 makes the service fail at
// start ("value is out of range for type smallint"). The OS hands out free
// ports from its ephemeral range, above 32767 on Linux, so the membership
// ports of a cluster on free ports are found below it, by trying.
import { createServer, type Server } from 'node:net';
import { freePorts } from './ports';
import { ServerStartError } from './processes';
import { CLUSTER_SERVICES, type ClusterPorts } from './temporal-server-config';

const MAX_MEMBERSHIP_PORT = 32767;
const LOWEST_TRIED = 20000;

/** Refuses, in one line, ports Temporal cannot run on. */
export function checkMembershipPorts(ports: ClusterPorts): void {
  const high = CLUSTER_SERVICES.find((service) => ports.services[service].membership > MAX_MEMBERSHIP_PORT);
  if (high) {
    throw new ServerStartError(`the ${high} service's membership port ${ports.services[high].membership} is above ${MAX_MEMBERSHIP_PORT}, which Temporal cannot store; choose lower ports (TEMPORAL_PORT at most ${MAX_MEMBERSHIP_PORT + 300 - 6})`);
  }
}

/** `count` different free ports between 20000 and 32767; each is held until all are found. */
async function freeMembershipPorts(count: number): Promise<number[]> {
  const held: Server[] = [];
  const found: number[] = [];
  try {
    for (let attempt = 0; found.length < count && attempt < 200; attempt++) {
      const port = LOWEST_TRIED + Math.floor(Math.random() * (MAX_MEMBERSHIP_PORT - LOWEST_TRIED + 1));
      if (found.includes(port)) continue;
      const server = await listening(port);
      if (server) (held.push(server), found.push(port));
    }
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
  if (found.length < count) throw new Error(`found only ${found.length} of ${count} free ports below ${MAX_MEMBERSHIP_PORT + 1}`);
  return found;
}

/**
 * A cluster's ports, all free: each service's gRPC port and its membership port
 * (below 32768), the frontend's HTTP port, and `others` more for the caller's
 * own servers, found together so that none is handed out twice.
 */
export async function freeClusterPorts(others = 0): Promise<{ cluster: ClusterPorts; others: number[] }> {
  const [frontend, history, matching, worker, http, ...rest] = await freePorts(5 + others);
  const [fm, hm, mm, wm] = await freeMembershipPorts(4);
  const services = { frontend: { grpc: frontend, membership: fm }, history: { grpc: history, membership: hm }, matching: { grpc: matching, membership: mm }, worker: { grpc: worker, membership: wm } };
  return { cluster: { services, frontendHttp: http }, others: rest };
}

function listening(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

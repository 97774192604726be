// Temporal keeps each host's membership port in a SMALLINT column
// (cluster_membership.rpc_port): a port above 32767 makes the service fail at
// start ("value is out of range for type smallint"). The OS hands out free
// ports from its ephemeral range, above 32767 on Linux, so the membership
// ports of a cluster on free ports are found below it, by trying.
import { createServer, type Server } from 'node:net';
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
export async function freeMembershipPorts(count: number): Promise<number[]> {
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

function listening(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

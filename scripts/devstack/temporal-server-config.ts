// The one config file all four Temporal services read (each process picks its
// part with `start --service NAME`), in the layout of the server's own
// config/docker.yaml: persistence and visibility on PostgreSQL (postgres12
// plugin, databases `temporal` and `temporal_visibility`), every service on
// loopback with its own gRPC and membership port. docker-compose.yml sets the
// same values through that template's variables.

export const CLUSTER_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type ClusterService = (typeof CLUSTER_SERVICES)[number];

export interface ServicePorts {
  grpc: number;
  /** ringpop: how the services find each other (and notice one has gone). */
  membership: number;
}

export interface ClusterPorts {
  services: Record<ClusterService, ServicePorts>;
  /** The frontend's HTTP API (the same calls as gRPC, as JSON). */
  frontendHttp: number;
}

export interface SqlConnection {
  host: string;
  port: number;
  user: string;
  password: string;
}

export const TEMPORAL_DATABASES = { persistence: 'temporal', visibility: 'temporal_visibility' } as const;

/**
 * History shards are fixed when the databases are first used and can never
 * change: 4 suits one small machine (and is the server image's default);
 * a large production cluster picks more before its first start.
 */
const NUM_HISTORY_SHARDS = 4;

/** Temporal's usual ports, moved together: 7233 gives 7233-7235, 7239, 7243 and 6933-6935, 6939. */
export function portsFrom(frontend: number): ClusterPorts {
  const service = (offset: number): ServicePorts => ({ grpc: frontend + offset, membership: frontend - 300 + offset });
  return {
    services: { frontend: service(0), history: service(1), matching: service(2), worker: service(6) },
    frontendHttp: frontend + 10,
  };
}

export function clusterConfigYaml(ports: ClusterPorts, db: SqlConnection): string {
  const frontend = `127.0.0.1:${ports.services.frontend.grpc}`;
  return `# Written by scripts/devstack/temporal-server.ts at every start: edit that, not this.
log:
  stdout: true
  level: info

persistence:
  numHistoryShards: ${NUM_HISTORY_SHARDS}
  defaultStore: default
  visibilityStore: visibility
  datastores:
    default:
      sql:
${sqlStore(db, TEMPORAL_DATABASES.persistence, 20)}
    visibility:
      sql:
${sqlStore(db, TEMPORAL_DATABASES.visibility, 10)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
  pprof:
    port: 0

services:
${CLUSTER_SERVICES.map((name) => serviceBlock(name, ports)).join('\n')}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "${frontend}"
      httpAddress: "127.0.0.1:${ports.frontendHttp}"

dcRedirectionPolicy:
  policy: "noop"
`;
}

function sqlStore(db: SqlConnection, database: string, maxConns: number): string {
  return [
    'pluginName: "postgres12"',
    `databaseName: "${database}"`,
    `connectAddr: "${db.host}:${db.port}"`,
    'connectProtocol: "tcp"',
    `user: ${JSON.stringify(db.user)}`,
    `password: ${JSON.stringify(db.password)}`,
    `maxConns: ${maxConns}`,
    `maxIdleConns: ${maxConns}`,
    'maxConnLifetime: "1h"',
  ].map((line) => `        ${line}`).join('\n');
}

function serviceBlock(name: ClusterService, ports: ClusterPorts): string {
  const { grpc, membership } = ports.services[name];
  const http = name === 'frontend' ? `\n      httpPort: ${ports.frontendHttp}` : '';
  return `  ${name}:
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnIP: "127.0.0.1"${http}`;
}

// The real createApp on stub dependencies, for unit tests that need no
// server: app.request() in process. The database answers every query with
// `answer` (default: no rows) and, like PostgreSQL, refuses a NUL in a text
// parameter with SQLSTATE 22021; Temporal knows no workflow.
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import { createApp } from '../../api/app';
import type { Database } from '../../db/schema';
import { loadConfig } from '../../lib/config';
import { loadSlaPolicy } from '../../lib/sla-policy';
import type { Actor } from '../../workflows/ticket-types';

export interface StubQuery {
  sql: string;
  parameters: readonly unknown[];
}

export type Answer = (query: StubQuery) => unknown[] | Promise<unknown[]>;

class PostgresLikeError extends Error {
  severity = 'ERROR';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

class StubConnection implements DatabaseConnection {
  constructor(
    private readonly answer: Answer,
    private readonly log: StubQuery[],
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const query = { sql: compiled.sql, parameters: compiled.parameters };
    this.log.push(query);
    for (const p of compiled.parameters) {
      if (typeof p === 'string' && p.includes('\u0000')) throw new PostgresLikeError('invalid byte sequence for encoding "UTF8": 0x00', '22021');
    }
    const rows = (await this.answer(query)) as R[];
    return { rows, numAffectedRows: BigInt(rows.length) };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    // Not used by the API.
  }
}

class StubDriver implements Driver {
  constructor(
    private readonly answer: Answer,
    private readonly log: StubQuery[],
  ) {}
  async init() {}
  async acquireConnection() {
    return new StubConnection(this.answer, this.log);
  }
  async beginTransaction() {}
  async commitTransaction() {}
  async rollbackTransaction() {}
  async releaseConnection() {}
  async destroy() {}
}

export function stubDatabase(answer: Answer = () => []) {
  const queries: StubQuery[] = [];
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new StubDriver(answer, queries),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return { db, queries };
}

/** A Temporal client that knows no workflow (every ticket has ended long ago) and whose namespace answers. */
export function stubTemporal(): Client {
  const gone = async () => {
    throw new WorkflowNotFoundError('no such workflow', 'ticket', undefined);
  };
  return {
    connection: { withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn() },
    workflowService: { describeNamespace: async () => ({}) },
    workflow: {
      getHandle: () => ({ query: gone, executeUpdate: gone, signal: gone }),
      start: gone,
      count: async () => ({ count: 0 }),
    },
  } as unknown as Client;
}

export function stubApp(options: { env?: Record<string, string>; answer?: Answer; temporal?: Client } = {}) {
  const { db, queries } = stubDatabase(options.answer);
  const config = loadConfig({ DATABASE_URL: 'postgres://helpdesk:secret@db.invalid/helpdesk', TEMPORAL_ADDRESS: 'temporal.invalid:7233', ...options.env });
  const app = createApp({ db, temporal: options.temporal ?? stubTemporal(), config, slaPolicy: loadSlaPolicy() });
  return { app, db, queries, config };
}

export const AGENT: Actor = { user: 'alice', role: 'agent', level: 'L1' };
export const INTEGRATOR: Actor = { user: 'ivan', role: 'integrator' };
export const MANAGER: Actor = { user: 'mona', role: 'manager' };

/** The environment the console passes to an in-process API request (web/act.ts), with a connection from `address`. */
export function consoleEnv(actor: Actor, address = '127.0.0.1', headers: Record<string, string> = {}) {
  return { consoleActor: actor, ...connection(address, headers) };
}

/** @hono/node-server's bindings for a connection from `address`, as getConnInfo reads them. */
export function connection(address: string, headers: Record<string, string> = {}) {
  return { incoming: { socket: { remoteAddress: address, remotePort: 40000, remoteFamily: address.includes(':') ? 'IPv6' : 'IPv4' }, headers } };
}

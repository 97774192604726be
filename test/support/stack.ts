import { Runtime, DefaultLogger } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { inject } from 'vitest';
import { createToken } from '../../api/tokens';
import { loadConfig, type Config } from '../../lib/config';
import { Helpdesk } from '../../lib/helpdesk';
import { loadSlaPolicy } from '../../lib/sla-policy';
import type { TriageRule } from '../../lib/triage/rule';
import type { SlaPolicy } from '../../workflows/sla/policy';
import type { Role, SupportLevel } from '../../workflows/ticket-types';
import { connectTestDatabase } from './database';

export const USERS = {
  alice: { role: 'agent', level: 'L1' },
  dave: { role: 'agent', level: 'L2' },
  rita: { role: 'reviewer', level: 'L2' },
  rob: { role: 'reviewer', level: 'L1' },
  mona: { role: 'manager' },
  ivan: { role: 'integrator' },
  adam: { role: 'admin' },
} as const satisfies Record<string, { role: Role; level?: SupportLevel }>;
export type TestUser = keyof typeof USERS;

let runtimeInstalled = false;

/**
 * The product as `npm start` wires it (lib/helpdesk.ts, without the mail
 * intake: the mail tests run theirs with a word list of their own), on the test run's real Temporal and
 * PostgreSQL: a database of its own, a worker on a task queue of its own, the
 * API on a free port, and a token for each kind of user.
 */
export async function startTestStack(env: Record<string, string> = {}, slaPolicy: SlaPolicy = loadSlaPolicy(), triageRules: readonly TriageRule[] = []) {
  if (!runtimeInstalled) {
    Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const database = await connectTestDatabase();
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const config: Config = loadConfig({
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    SUPPORT_ADDRESS: 'support@desk.test',
    MAILING_LIST_ADDRESS: 'team@desk.test',
    DATA_DIR: path.join(inject('serversDir'), taskQueue),
    ...env,
  });
  const helpdesk = await new Helpdesk({
    config,
    slaPolicy,
    triageRules,
    parts: { worker: true, intake: false, api: true },
    apiListen: { port: 0, host: '127.0.0.1' },
    workflowBundle: { code: inject('workflowBundle') },
  }).start();
  const api = helpdesk.api!;
  const temporal = helpdesk.temporal!;

  const tokens = {} as Record<TestUser, string>;
  for (const [user, spec] of Object.entries(USERS)) {
    tokens[user as TestUser] = await createToken(database.db, user, spec.role, 'level' in spec ? spec.level : undefined);
  }

  /** Calls the API as `user` (or without a token); answers status and parsed JSON. */
  async function call(user: TestUser | null, method: string, path: string, body?: unknown) {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.status, body: json, headers: response.headers };
  }

  return {
    db: database.db,
    config,
    slaPolicy,
    desks: helpdesk.desks,
    taskQueue,
    temporal,
    worker: helpdesk.worker!,
    apiUrl: api.url,
    tokens,
    call,
    async stop() {
      await helpdesk.stop();
      await database.close();
    },
  };
}

export type TestStack = Awaited<ReturnType<typeof startTestStack>>;

/** Polls `probe` until it returns something truthy, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// `npm run fuzz:api`: the API fuzzed from its own /openapi.json by schemathesis
// (from PyPI, cached under ~/.cache/helpdesk), once per role, on a product of
// its own (a fresh PostgreSQL and Temporal dev server on free ports, nothing
// shared with `npm start`). Bounded: FUZZ_EXAMPLES cases per operation and role
// (default 25). It checks that no answer is a 5xx (503 aside: a dependency down)
// and that every answer matches its documented status, media type and schema.
// Exits non-zero when schemathesis found a failure; its report names each.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createToken } from '../api/tokens';
import { connectDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { loadConfig } from '../lib/config';
import { Helpdesk } from '../lib/helpdesk';
import { loadSlaPolicy } from '../lib/sla-policy';
import { installRuntime } from '../worker/runtime';
import type { Role, SupportLevel } from '../workflows/ticket-types';
import { startEmbeddedPostgres } from './devstack/embedded-postgres';
import { freePorts } from './devstack/ports';
import { ensurePythonTool } from './devstack/python-tool';
import { startTemporalDevServer } from './devstack/temporal-dev-server';

const SCHEMATHESIS = { name: 'schemathesis', version: '4.32.5', command: 'schemathesis' };
const ROLES: Array<{ user: string; role: Role; level?: SupportLevel }> = [
  { user: 'fuzz-agent', role: 'agent', level: 'L1' },
  { user: 'fuzz-reviewer', role: 'reviewer', level: 'L2' },
  { user: 'fuzz-manager', role: 'manager' },
  { user: 'fuzz-integrator', role: 'integrator' },
  { user: 'fuzz-admin', role: 'admin' },
];
// Every check but those about the API's own design choices: a 404 for an unknown ticket number is not "ignored auth".
const CHECKS = 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance';

async function main(): Promise<number> {
  const examples = Number(process.env.FUZZ_EXAMPLES ?? 25);
  const schemathesis = await ensurePythonTool(SCHEMATHESIS, (line) => console.log(line));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-fuzz-'));
  const [pgPort, temporalPort, apiPort] = await freePorts(3);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: pgPort });
  const temporal = await startTemporalDevServer({ port: temporalPort, logFile: path.join(dir, 'temporal.log') });
  let helpdesk: Helpdesk | undefined;
  try {
    const db = connectDatabase(postgres.url);
    await migrateToLatest(db);
    const config = loadConfig({ ...process.env, DATABASE_URL: postgres.url, TEMPORAL_ADDRESS: temporal.address, DATA_DIR: dir, PORT: String(apiPort) });
    installRuntime(config);
    helpdesk = await new Helpdesk({ config, slaPolicy: loadSlaPolicy(), parts: { worker: true, intake: true, api: true }, apiListen: { port: apiPort, host: '127.0.0.1' } }).start();
    const apiUrl = helpdesk.api!.url;
    let failed = 0;
    for (const { user, role, level } of ROLES) {
      const token = await createToken(db, user, role, level);
      console.log(`\n=== as ${role} (${examples} examples per operation) ===`);
      const code = await runSchemathesis(schemathesis, apiUrl, token, examples, dir, role);
      if (code !== 0) failed++;
    }
    await db.destroy();
    console.log(failed ? `\nfuzz: schemathesis found failures for ${failed} of ${ROLES.length} roles` : `\nfuzz: no failures for any of ${ROLES.length} roles`);
    return failed ? 1 : 0;
  } finally {
    await helpdesk?.stop();
    await postgres.stop();
    await temporal.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// Run in the fuzz's own folder: schemathesis keeps its example database in
// ./.schemathesis, which must not land in the checkout. One worker: with two,
// Hypothesis's lambda descriptions race (a "Runtime Error" that is the tool's, not
// the API's). The hooks file gives it message/rfc822 bodies for the mail intake.
function runSchemathesis(program: string, apiUrl: string, token: string, examples: number, dir: string, role: Role): Promise<number> {
  const args = ['run', `${apiUrl}/openapi.json`, '--header', `Authorization: Bearer ${token}`, '--checks', CHECKS, '--max-examples', String(examples), '--seed', '1', '--workers', '1', '--request-timeout', '30', '--report-dir', path.join(dir, `report-${role}`), '--output-sanitize', 'true'];
  return new Promise((resolve, reject) => {
    const env = { ...process.env, SCHEMATHESIS_HOOKS: 'fuzz_api_hooks', PYTHONPATH: path.dirname(fileURLToPath(import.meta.url)) };
    const child = spawn(program, args, { stdio: 'inherit', cwd: dir, env });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`fuzz: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

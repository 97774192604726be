// Temporal's two databases on PostgreSQL, created and brought to the schema of
// the server version by its own schema tool (temporal-sql-tool, postgres12
// plugin, schemas embedded in the binary). Every step is safe to repeat: the
// tool creates what is missing, skips the initial version when the schema is
// further along, and applies only the versions not yet applied (so a newer
// server version migrates the databases at its first start).
import { execFile } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ServerStartError } from './processes';
import { TEMPORAL_DATABASES, type SqlConnection } from './temporal-server-config';

const run = promisify(execFile);

export async function setUpTemporalDatabases(sqlTool: string, db: SqlConnection, logFile: string): Promise<void> {
  for (const [kind, database] of Object.entries(TEMPORAL_DATABASES)) {
    const schema = `postgresql/v12/${kind === 'persistence' ? 'temporal' : 'visibility'}`;
    for (const step of [['create-database'], ['setup-schema', '-v', '0.0'], ['update-schema', '--schema-name', schema]]) {
      await sqlToolStep(sqlTool, db, database, step, logFile);
    }
  }
}

async function sqlToolStep(sqlTool: string, db: SqlConnection, database: string, step: string[], logFile: string): Promise<void> {
  const args = ['--plugin', 'postgres12', '--endpoint', db.host, '--port', String(db.port), '--user', db.user, '--database', database, ...step];
  // The password goes in the environment, not on a command line every `ps` shows.
  const env = { ...process.env, SQL_PASSWORD: db.password };
  try {
    const { stdout, stderr } = await run(sqlTool, args, { env, maxBuffer: 16 * 1024 * 1024 });
    await appendFile(logFile, `${stdout}${stderr}`);
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    await appendFile(logFile, output);
    const cause = output.split('\n').filter((line) => /ERROR|FATAL|error/.test(line)).pop()?.trim() || (error as Error).message;
    throw new ServerStartError(`could not set up Temporal's database ${database} on ${db.host}:${db.port} (${step[0]}): ${cause} (log: ${logFile})`);
  }
}

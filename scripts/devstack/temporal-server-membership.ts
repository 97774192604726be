// The services find each other through ringpop, seeded from the hosts listed
// in the `cluster_membership` table. Rows of the cluster's last run stay there
// until they expire, and a service that starts while they are listed tries to
// join those dead hosts until its join times out (30 s and more): a restart of
// the whole cluster took a minute instead of fifteen seconds. When none of the
// cluster's services runs, every row is a departed host, so we remove them.
import pg from 'pg';
import { TEMPORAL_DATABASES } from './temporal-server-config';

export async function forgetDepartedMembers(postgresUrl: string): Promise<void> {
  const url = new URL(postgresUrl);
  url.pathname = `/${TEMPORAL_DATABASES.persistence}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query('DELETE FROM cluster_membership');
  } finally {
    await client.end();
  }
}

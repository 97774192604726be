// The Temporal server itself (not the CLI's dev server) and its SQL schema
// tool, built once with `go install` into ~/.cache/helpdesk/temporal-server-<version>/.
// v1.29.1's go.mod has no replace directive, so `go install pkg@version` works,
// and its SQL schemas are embedded in the schema tool (`--schema-name`), so
// nothing but the two binaries is needed.
import { ensureGoTool } from './temporal-cli';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

export interface TemporalServerBinaries {
  /** `server -r ROOT -c CONFIG_DIR -e ENV start --service NAME` */
  server: string;
  /** temporal-sql-tool: create, setup-schema, update-schema */
  sqlTool: string;
}

export async function ensureTemporalServer(onProgress?: (line: string) => void): Promise<TemporalServerBinaries> {
  const [server, sqlTool] = await ensureGoTool(
    {
      name: 'temporal-server',
      version: TEMPORAL_SERVER_VERSION,
      packages: ['go.temporal.io/server/cmd/server', 'go.temporal.io/server/cmd/tools/sql'],
      withoutGo: 'or point the product at a Temporal cluster of your own with TEMPORAL_ADDRESS',
    },
    onProgress,
  );
  return { server, sqlTool };
}

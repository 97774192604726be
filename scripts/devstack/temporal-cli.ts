import { execFile } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Later tags carry a go.mod replace directive that `go install` refuses. */
const TEMPORAL_CLI_VERSION = 'v1.5.1';

export class MissingToolError extends Error {}

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'helpdesk', `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

/**
 * The Temporal CLI (which contains the dev server), built once with `go install`
 * into ~/.cache/helpdesk/temporal-cli-<version>/ and reused from there.
 */
export async function ensureTemporalCli(onProgress: (line: string) => void = () => {}): Promise<string> {
  const dir = cacheDir();
  const binary = path.join(dir, 'temporal');
  if (await exists(binary)) return binary;
  await requireGo();
  await mkdir(dir, { recursive: true });
  onProgress(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (first run only, a few minutes)...`);
  await run('go', ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: dir, GOFLAGS: '-buildvcs=false' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!(await exists(binary))) throw new Error(`go install finished but ${binary} is missing`);
  return binary;
}

async function requireGo(): Promise<void> {
  try {
    await run('go', ['version']);
  } catch {
    throw new MissingToolError(
      'Go is not installed: the Temporal dev server is built with Go on first use. ' +
        'Install Go 1.22 or later (e.g. `apt-get install golang`), or set TEMPORAL_ADDRESS to use an existing Temporal cluster.',
    );
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

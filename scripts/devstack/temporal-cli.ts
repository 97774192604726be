import { execFile } from 'node:child_process';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Later tags carry a go.mod replace directive that `go install` refuses. */
const TEMPORAL_CLI_VERSION = 'v1.5.1';

export class MissingToolError extends Error {}

/** Go programs built once with `go install` and cached under ~/.cache/helpdesk/<name>-<version>/. */
export interface GoTool {
  /** The cache folder's name before the version, and what the progress line calls it. */
  name: string;
  version: string;
  /** Package paths without `@version`; all from one module, as `go install pkg@version` requires. */
  packages: string[];
  /** What someone without Go can do instead, for the one-line refusal. */
  withoutGo: string;
}

function cacheDir(tool: Pick<GoTool, 'name' | 'version'>): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'helpdesk', `${tool.name}-${tool.version}`);
}

/**
 * The tool's binaries (named after the last element of each package path),
 * built on first use and reused from the cache after that. They are built in a
 * folder of their own and moved into place, so a parallel start never runs
 * half a binary.
 */
export async function ensureGoTool(tool: GoTool, onProgress: (line: string) => void = () => {}): Promise<string[]> {
  const dir = cacheDir(tool);
  const binaries = tool.packages.map((pkg) => path.join(dir, path.posix.basename(pkg)));
  if ((await Promise.all(binaries.map(exists))).every(Boolean)) return binaries;
  await requireGo(tool);
  const draft = `${dir}.tmp-${process.pid}`;
  await mkdir(draft, { recursive: true });
  onProgress(`building ${tool.name} ${tool.version} with go install (first run only, a few minutes)...`);
  try {
    await goInstall(tool, draft);
    await mkdir(dir, { recursive: true });
    for (const binary of binaries) await rename(path.join(draft, path.basename(binary)), binary);
  } finally {
    await rm(draft, { recursive: true, force: true });
  }
  return binaries;
}

async function goInstall(tool: GoTool, gobin: string): Promise<void> {
  // GOTOOLCHAIN=auto: a Go older than the module's `go` line fetches the newer toolchain from the module proxy.
  const env = { ...process.env, GOBIN: gobin, GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: process.env.GOTOOLCHAIN || 'auto' };
  try {
    await run('go', ['install', ...tool.packages.map((pkg) => `${pkg}@${tool.version}`)], { env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim().split('\n').pop();
    throw new MissingToolError(`go install of ${tool.name} ${tool.version} failed: ${stderr || (error as Error).message}`);
  }
}

/**
 * The Temporal CLI (which contains the dev server), built once with `go install`
 * into ~/.cache/helpdesk/temporal-cli-<version>/ and reused from there.
 */
export async function ensureTemporalCli(onProgress: (line: string) => void = () => {}): Promise<string> {
  const [binary] = await ensureGoTool(
    {
      name: 'temporal-cli',
      version: TEMPORAL_CLI_VERSION,
      packages: ['github.com/temporalio/cli/cmd/temporal'],
      withoutGo: 'or set TEMPORAL_ADDRESS to use an existing Temporal cluster',
    },
    onProgress,
  );
  return binary;
}

async function requireGo(tool: GoTool): Promise<void> {
  try {
    await run('go', ['version']);
  } catch {
    throw new MissingToolError(
      `Go is not installed: ${tool.name} ${tool.version} is built with Go on first use. ` +
        `Install Go 1.22 or later (e.g. \`apt-get install golang\`), ${tool.withoutGo}.`,
    );
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

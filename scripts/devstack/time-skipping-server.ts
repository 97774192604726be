// Provides the Temporal time-skipping test server (Java, from Maven Central)
// as an executable for @temporalio/testing, which would otherwise try to
// download a native build from a host this machine cannot reach:
//
//   TestWorkflowEnvironment.createTimeSkipping({
//     server: { executable: { type: 'existing-path', path: await timeSkippingServerExecutable() } },
//   })
//
// The SDK runs the executable as `<path> <port> [extraArgs...]` and gives it
// 5 s to accept gRPC connections (sdk-core ephemeral_server); io.temporal
// .testserver.TestServer takes exactly `<port> [--enable-time-skipping]`.
// The JVM starts in about 0.6 s here, well inside that window.
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mavenCacheDir, requireTools, resolveMavenClasspath } from './maven';

const TIME_SKIPPING_SERVER_COORDS = 'io.temporal:temporal-test-server:1.38.0';
const MAIN_CLASS = 'io.temporal.testserver.TestServer';

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function launcherScript(classpath: string): string {
  // `exec` so the SDK's kill reaches the JVM itself, not a shell around it.
  return `#!/bin/sh
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp ${shellQuote(classpath)} ${MAIN_CLASS} "$@"
`;
}

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** Path of a shell script that runs the time-skipping server; fetches it on first use. */
export async function timeSkippingServerExecutable(): Promise<string> {
  await requireTools('java');
  const classpath = await resolveMavenClasspath(TIME_SKIPPING_SERVER_COORDS);
  const path = join(mavenCacheDir(TIME_SKIPPING_SERVER_COORDS), 'time-skipping-server.sh');
  const script = launcherScript(classpath);
  if ((await readIfPresent(path)) !== script) {
    // Write aside and rename, so a parallel run never executes half a script.
    const draft = `${path}.tmp-${process.pid}-${Date.now()}`;
    await writeFile(draft, script);
    await chmod(draft, 0o755);
    await rename(draft, path);
  }
  return path;
}

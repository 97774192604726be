// Fetches a Java artifact and its runtime dependencies from Maven Central into
// ~/.cache/helpdesk/maven/<g>_<a>_<v>/ so test servers (GreenMail, the Temporal
// time-skipping server) run without Docker and without files in the repo.
//
// Layout of one cache folder:
//   pom.xml      throwaway pom that depends on the artifact
//   lib/*.jar    the artifact and its runtime dependencies
//   .complete    written last; its presence means the folder is usable
//
// The folder is built under a temporary name and renamed into place, so two
// test runs resolving the same artifact at once never see half a folder.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

const INSTALL_HINT = 'install OpenJDK 17 and Maven: apt-get install -y openjdk-17-jre-headless maven';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const COMPLETE_MARKER = '.complete';

const devstackCacheRoot = join(homedir(), '.cache', 'helpdesk');

interface Coordinates {
  groupId: string;
  artifactId: string;
  version: string;
}

function parseCoordinates(coords: string): Coordinates {
  const parts = coords.split(':');
  if (parts.length !== 3 || parts.some((p) => p === '' || !/^[\w.-]+$/.test(p))) {
    throw new Error(`Maven coordinates must look like 'group:artifact:version', got '${coords}'`);
  }
  const [groupId, artifactId, version] = parts as [string, string, string];
  return { groupId, artifactId, version };
}

/** Folder that holds (or will hold) the jars of one artifact. */
export function mavenCacheDir(coords: string): string {
  const { groupId, artifactId, version } = parseCoordinates(coords);
  return join(devstackCacheRoot, 'maven', `${groupId}_${artifactId}_${version}`);
}

async function isExecutableOnPath(command: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      await access(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this PATH entry
    }
  }
  return false;
}

/** Throws a one-line, actionable error when a tool the dev stack needs is missing. */
export async function requireTools(...commands: Array<'java' | 'mvn'>): Promise<void> {
  for (const command of commands) {
    if (!(await isExecutableOnPath(command))) {
      throw new Error(`\`${command}\` not found on PATH; ${INSTALL_HINT}`);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function throwawayPom({ groupId, artifactId, version }: Coordinates): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>helpdesk.devstack</groupId>
  <artifactId>fetch-${artifactId}</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>${groupId}</groupId>
      <artifactId>${artifactId}</artifactId>
      <version>${version}</version>
    </dependency>
  </dependencies>
</project>
`;
}

function runMaven(pomDir: string, coords: Coordinates): Promise<void> {
  const args = [
    '-q',
    '-B',
    '-Dstyle.color=never',
    '-f',
    join(pomDir, 'pom.xml'),
    `${DEPENDENCY_PLUGIN}:copy-dependencies`,
    '-DincludeScope=runtime',
    `-DoutputDirectory=${join(pomDir, 'lib')}`,
  ];
  return new Promise((resolve, reject) => {
    execFile('mvn', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve();
      // Maven's first [ERROR] line names the cause; the rest is boilerplate.
      const lines = `${stdout}\n${stderr}`.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
      const cause = lines.find((l) => l.startsWith('[ERROR] ') && l.length > 10) ?? lines.slice(-5).join('\n');
      const { groupId, artifactId, version } = coords;
      reject(new Error(`mvn could not fetch ${groupId}:${artifactId}:${version}: ${cause}`));
    });
  });
}

async function classpathOf(dir: string): Promise<string> {
  const jars = (await readdir(join(dir, 'lib'))).filter((f) => f.endsWith('.jar')).sort();
  if (jars.length === 0) throw new Error(`no jars in ${join(dir, 'lib')}`);
  return jars.map((jar) => join(dir, 'lib', jar)).join(delimiter);
}

async function fetchInto(finalDir: string, coords: Coordinates): Promise<void> {
  const workDir = `${finalDir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(workDir, { recursive: true });
  try {
    await writeFile(join(workDir, 'pom.xml'), throwawayPom(coords));
    await runMaven(workDir, coords);
    await writeFile(join(workDir, COMPLETE_MARKER), new Date().toISOString() + '\n');
    // A folder left without its marker (older, interrupted layout) is stale.
    if ((await exists(finalDir)) && !(await exists(join(finalDir, COMPLETE_MARKER)))) {
      await rm(finalDir, { recursive: true, force: true });
    }
    try {
      await rename(workDir, finalDir);
    } catch (error) {
      // Another run finished first: its folder is as good as ours.
      if (!(await exists(join(finalDir, COMPLETE_MARKER)))) throw error;
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Makes sure `coords` ('group:artifact:version') and its runtime dependencies
 * are in the cache and returns a Java classpath of absolute jar paths.
 * Runs Maven (using ~/.m2 as usual) only when the cache folder is not complete.
 */
export async function resolveMavenClasspath(coords: string): Promise<string> {
  const parsed = parseCoordinates(coords);
  const dir = mavenCacheDir(coords);
  if (!(await exists(join(dir, COMPLETE_MARKER)))) {
    await requireTools('java', 'mvn');
    await fetchInto(dir, parsed);
  }
  return classpathOf(dir);
}

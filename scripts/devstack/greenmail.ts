// Starts GreenMail (an in-memory SMTP + IMAP server, Java, from Maven Central)
// for tests that send and read real mail. Each call runs its own process on
// the ports it is given, so parallel test runs stay apart.
//
// GreenMail 2.1.13 announces: IMAP4rev1 LITERAL+ UIDPLUS SORT IDLE MOVE
// SASL-IR AUTH=XOAUTH2 QUOTA.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { requireTools, resolveMavenClasspath } from './maven';

const GREENMAIL_COORDS = 'com.icegreen:greenmail-standalone:2.1.13';
const MAIN_CLASS = 'com.icegreen.greenmail.standalone.GreenMailStandaloneRunner';
const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export interface GreenMailOptions {
  smtpPort: number;
  imapPort: number;
  /** Mailboxes as 'login:password@domain'; the address is login@domain. */
  users?: string[];
}

export interface GreenMail {
  /** Where to send mail, e.g. smtp://127.0.0.1:3025 (no auth needed). */
  smtpUrl: string;
  /** imap://login:password@127.0.0.1:port for a configured login or address. */
  imapUrlFor(user: string): string;
  /** Kills the server and waits until it has exited. */
  stop(): Promise<void>;
}

interface Mailbox {
  login: string;
  password: string;
  address: string;
}

function parseMailbox(spec: string): Mailbox {
  const colon = spec.indexOf(':');
  const at = spec.lastIndexOf('@');
  if (colon <= 0 || at < colon + 2 || at === spec.length - 1 || spec.includes(',')) {
    throw new Error(`GreenMail user must look like 'login:password@domain', got '${spec}'`);
  }
  const login = spec.slice(0, colon);
  return { login, password: spec.slice(colon + 1, at), address: `${login}@${spec.slice(at + 1)}` };
}

function systemProperties({ smtpPort, imapPort, users = [] }: GreenMailOptions): string[] {
  // Per-protocol hostnames rather than greenmail.hostname: the global one also
  // switches on GreenMail's REST API on a fixed port 8080, which would clash
  // between parallel runs.
  const props = [
    `-Dgreenmail.smtp.hostname=${HOST}`,
    `-Dgreenmail.smtp.port=${smtpPort}`,
    `-Dgreenmail.imap.hostname=${HOST}`,
    `-Dgreenmail.imap.port=${imapPort}`,
  ];
  if (users.length > 0) props.push(`-Dgreenmail.users=${users.join(',')}`);
  return props;
}

/** Resolves with the server's first line, or null if it cannot be read yet. */
function readGreeting(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    let received = '';
    const done = (line: string | null) => {
      socket.destroy();
      resolve(line);
    };
    socket.setTimeout(2_000, () => done(null));
    socket.on('error', () => done(null));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\n');
      if (end >= 0) done(received.slice(0, end).trim());
    });
  });
}

function keepTail(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  child.on('error', (error) => append(Buffer.from(String(error))));
  return () => tail.trim();
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve()); // never started
  });
}

/** Kills the whole process group, so nothing GreenMail started outlives it. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function waitUntilReady(child: ChildProcess, options: GreenMailOptions, output: () => string): Promise<void> {
  let hasExited = false;
  void exited(child).then(() => (hasExited = true));
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  const expected: Array<[number, string]> = [
    [options.smtpPort, '220 '],
    [options.imapPort, '* OK'],
  ];
  for (const [port, prefix] of expected) {
    for (;;) {
      if (hasExited) throw new Error(`GreenMail exited during startup (code ${child.exitCode}):\n${output()}`);
      // A port already taken is logged, not fatal, in GreenMail: don't wait it out.
      if (/\bERROR\b/.test(output())) throw new Error(`GreenMail failed to start:\n${output()}`);
      if (Date.now() > deadline) throw new Error(`GreenMail did not answer on port ${port} within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`);
      const greeting = await readGreeting(port);
      if (greeting?.startsWith(prefix)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startGreenMail(options: GreenMailOptions): Promise<GreenMail> {
  const mailboxes = (options.users ?? []).map(parseMailbox);
  await requireTools('java');
  const classpath = await resolveMavenClasspath(GREENMAIL_COORDS);
  const child = spawn('java', ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', ...systemProperties(options), '-cp', classpath, MAIN_CLASS], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = keepTail(child);
  // If the test process dies without calling stop(), take GreenMail with it.
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
    await exited(child);
    clearTimeout(timer);
  };

  try {
    await waitUntilReady(child, options, output);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    smtpUrl: `smtp://${HOST}:${options.smtpPort}`,
    imapUrlFor(user: string) {
      const mailbox = mailboxes.find((m) => m.login === user || m.address === user);
      if (!mailbox) throw new Error(`GreenMail has no user '${user}'; configure it in startGreenMail({ users })`);
      const credentials = `${encodeURIComponent(mailbox.login)}:${encodeURIComponent(mailbox.password)}`;
      return `imap://${credentials}@${HOST}:${options.imapPort}`;
    },
    stop,
  };
}

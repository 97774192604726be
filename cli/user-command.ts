import { parseArgs } from 'node:util';
import { createUser, checkNewUser, disableUser, listUsers, setPassword, UserRuleError } from '../db/users';
import type { Config } from '../lib/config';
import { checkPasswordRules } from '../lib/passwords';
import { ROLES, SUPPORT_LEVELS, type Role, type SupportLevel } from '../workflows/ticket-types';
import { withDatabase } from './database';
import { UsageError } from './token-command';

export const USER_USAGE = `npx helpdesk user create --user <name> --role <${ROLES.join('|')}> [--level L1|L2|L3] [--password-stdin]
npx helpdesk user list
npx helpdesk user disable --user <name>
npx helpdesk user password --user <name> [--password-stdin]`;

/**
 * People who sign in to the console. The password is asked twice on the
 * terminal without echo, or read as one line from stdin with --password-stdin
 * (for scripts); it is never printed, logged or put in an error message.
 */
export async function userCommand(config: Config, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  const values = options(rest);
  if (verb === 'create') {
    const { user, role, level } = values;
    if (!user) throw new UsageError('--user is required');
    if (!ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    if (level !== undefined && !SUPPORT_LEVELS.includes(level as SupportLevel)) throw new UsageError('--level must be L1, L2 or L3');
    const newUser = { name: user, role: role as Role, level: level as SupportLevel | undefined };
    try {
      checkNewUser(newUser);
    } catch (error) {
      throw error instanceof UserRuleError ? new UsageError(error.message) : error;
    }
    const password = await readPassword(values['password-stdin'] === true);
    await withDatabase(config, (db) => createUser(db, { ...newUser, password }));
    console.log(`created ${user} (${role}${level ? ` ${level}` : ''})`);
  } else if (verb === 'list') {
    const rows = await withDatabase(config, listUsers);
    printTable(
      ['NAME', 'ROLE', 'LEVEL', 'STATE', 'CREATED'],
      rows.map((row) => [
        row.name,
        row.role,
        row.level ?? '-',
        row.disabled_at ? `disabled ${row.disabled_at.toISOString()}` : 'active',
        row.created_at.toISOString(),
      ]),
    );
  } else if (verb === 'disable') {
    const { user } = values;
    if (!user) throw new UsageError('--user is required');
    if (!(await withDatabase(config, (db) => disableUser(db, user)))) throw new Error(`no user ${user}`);
    console.log(`disabled ${user}: their console sessions are ended and their API tokens revoked`);
  } else if (verb === 'password') {
    const { user } = values;
    if (!user) throw new UsageError('--user is required');
    const password = await readPassword(values['password-stdin'] === true);
    if (!(await withDatabase(config, (db) => setPassword(db, user, password)))) throw new Error(`no user ${user}`);
    console.log(`new password set for ${user}: their console sessions are ended`);
  } else {
    throw new UsageError(`unknown user command ${verb ?? '(none)'}`);
  }
}

function options(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        user: { type: 'string' },
        role: { type: 'string' },
        level: { type: 'string' },
        'password-stdin': { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    // node:util names the unknown option or the missing value; no password is ever an argument.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  for (const line of [header, ...rows]) console.log(line.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}

/** The new password: one line of stdin, or typed twice on the terminal. Checked against the rules before anything else happens. */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const password = await readLine(process.stdin);
    checkPasswordRules(password);
    return password;
  }
  if (!process.stdin.isTTY) throw new UsageError('stdin is not a terminal: give the password on stdin with --password-stdin');
  const password = await promptHidden('New password: ');
  checkPasswordRules(password);
  if ((await promptHidden('The same again: ')) !== password) throw new Error('the two passwords differ: nothing was changed');
  return password;
}

/** Everything up to the first newline (or the end of input), without the newline (or CRLF). */
async function readLine(input: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const newline = chunk.indexOf(0x0a);
    chunks.push(newline === -1 ? chunk : chunk.subarray(0, newline));
    size += chunk.length;
    if (newline !== -1) break;
    if (size > 64 * 1024) throw new UsageError('--password-stdin reads one line, and there was no end of line in the first 64 KiB');
  }
  input.pause();
  const line = Buffer.concat(chunks).toString('utf8');
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Reads a line from the terminal in raw mode, echoing nothing. Ctrl-C or Ctrl-D cancels. */
function promptHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  // Raw (no echo) before the prompt shows: nothing typed after it is ever echoed.
  input.setEncoding('utf8');
  input.setRawMode(true);
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (text: string) => {
      for (const char of text) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003' || char === '\u0004') return done(new Error('cancelled: nothing was changed'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else if (char === '\u0015') typed = ''; // Ctrl-U
        else if (char >= ' ') typed += char;
      }
    };
    input.on('data', onData);
    input.resume();
  });
}

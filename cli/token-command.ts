import { parseArgs } from 'node:util';
import { createToken, listTokens, revokeTokens } from '../api/tokens';
import type { Config } from '../lib/config';
import { ROLES, SUPPORT_LEVELS, type Role, type SupportLevel } from '../workflows/ticket-types';
import { withDatabase } from './database';

export const TOKEN_USAGE = `npx helpdesk token create --user <name> --role <${ROLES.join('|')}> [--level L1|L2|L3]
npx helpdesk token list
npx helpdesk token revoke (--id <id> | --user <name>)`;

export class UsageError extends Error {}

/** `token create` prints the token and nothing else, so scripts can capture it. */
export async function tokenCommand(config: Config, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { user: { type: 'string' }, role: { type: 'string' }, level: { type: 'string' }, id: { type: 'string' } },
  });
  if (verb === 'create') {
    const { user, role, level } = values;
    if (!user) throw new UsageError('--user is required');
    if (!ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    if (level !== undefined && !SUPPORT_LEVELS.includes(level as SupportLevel)) throw new UsageError('--level must be L1, L2 or L3');
    if ((role === 'agent' || role === 'reviewer') && !level) throw new UsageError(`an ${role} works at a support level: add --level L1, L2 or L3`);
    const token = await withDatabase(config, (db) => createToken(db, user, role as Role, level as SupportLevel | undefined));
    process.stdout.write(`${token}\n`);
  } else if (verb === 'list') {
    const rows = await withDatabase(config, listTokens);
    for (const row of rows) {
      const state = row.revoked_at ? `revoked ${row.revoked_at.toISOString()}` : 'active';
      console.log(`${row.id}\t${row.user_name}\t${row.role}${row.level ? `/${row.level}` : ''}\t${row.created_at.toISOString()}\t${state}`);
    }
  } else if (verb === 'revoke') {
    const count = await withDatabase(config, (db) => revokeTokens(db, { id: values.id, user: values.user }));
    console.log(`revoked ${count} token(s)`);
  } else {
    throw new UsageError(`unknown token command ${verb ?? '(none)'}`);
  }
}

// The operator's command line: `npx helpdesk <command>`.
import { ConfigError, loadConfig } from '../lib/config';
import { SPAM_USAGE, spamCommand } from './spam-command';
import { INTAKE_USAGE, intakeCommand, TempFail } from './intake-command';
import { TOKEN_USAGE, tokenCommand, UsageError } from './token-command';
import { USER_USAGE, userCommand } from './user-command';
import { CUSTOMER_USAGE, customerCommand } from './customer-command';
import { TRIAGE_USAGE, triageCommand } from './triage-command';
import { DESK_USAGE, deskCommand } from './desk-command';

const USAGE = `usage:
${TOKEN_USAGE}
${USER_USAGE}
${SPAM_USAGE}
${INTAKE_USAGE}
${CUSTOMER_USAGE}
${TRIAGE_USAGE}
${DESK_USAGE}`;

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  const config = loadConfig();
  switch (command) {
    case 'token':
      return tokenCommand(config, args);
    case 'user':
      return userCommand(config, args);
    case 'spam':
      return spamCommand(config, args);
    case 'intake':
      return intakeCommand(config, args);
    case 'triage':
      return triageCommand(config, args);
    case 'desks':
      return deskCommand(config);
    case 'account':
    case 'contact':
    case 'member':
    case 'customers':
      return customerCommand(config, command, args);
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command given');
  }
}

// The CLI's output is for people and scripts: keep the JSON logs quiet unless asked.
process.env.LOG_LEVEL ??= 'warn';
main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error) => {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`helpdesk: ${error.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`helpdesk: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof TempFail ? error.exitCode : 1);
  },
);

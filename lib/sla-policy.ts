import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePolicy, type SlaPolicy } from '../workflows/sla/policy';
import { ConfigError } from './config';

export const DEFAULT_SLA_POLICY_FILE = fileURLToPath(new URL('../workflows/sla/default-policy.json', import.meta.url));

/**
 * The SLA policy new tickets start under: SLA_POLICY_FILE, or the shipped
 * default. A file that does not validate stops the start, naming each field.
 */
/** `source` names the setting in messages: SLA_POLICY_FILE, or a desk's slaPolicyFile. */
export function loadSlaPolicy(file = process.env.SLA_POLICY_FILE || DEFAULT_SLA_POLICY_FILE, source = 'SLA_POLICY_FILE'): SlaPolicy {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${source} ${file} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = parsePolicy(json);
  if (!parsed.ok) throw new ConfigError(`${source} ${file} is not a valid policy:\n  ${parsed.errors.join('\n  ')}`);
  return parsed.policy;
}

// `npx helpdesk desks`: the desks this installation serves (DESKS_FILE, or the
// one desk of SUPPORT_ADDRESS), checked as a start checks them, with where
// each one's mail goes from and which calendars its priorities count on.
import type { Config } from '../lib/config';
import { loadDeskFiles } from '../lib/desk-files';

export const DESK_USAGE = `npx helpdesk desks   (checks DESKS_FILE and lists the desks)`;

export async function deskCommand(config: Config): Promise<void> {
  const { desks } = await loadDeskFiles(config);
  for (const desk of desks.all) {
    const policy = desks.policyOf(desk);
    const calendars = Object.entries(policy.priorities).map(([p, targets]) => `${p}:${targets.calendar}`).join(' ');
    console.log(`${desk.id}${desk.isDefault ? ' (default)' : ''}\t${desk.name}`);
    console.log(`  addresses: ${desk.addresses.join(', ')}${desk.mailingList ? `; list ${desk.mailingList}` : ''}`);
    console.log(`  from: ${desk.senderName ? `${desk.senderName} <${desk.addresses[0]}>` : desk.addresses[0]}; signature: ${desk.signature ? 'yes' : 'none'}; templates: ${desk.templatesDir ?? 'built-in'}`);
    console.log(`  SLA: ${desk.slaPolicy ? 'its own policy' : "the installation's policy"} (${calendars})`);
  }
}

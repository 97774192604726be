// The support desks one installation serves (brands, each with its own
// address, list, sender, signature, templates and SLA policy), and which desk
// a mail or a ticket belongs to. A ticket's desk is chosen when it opens and
// stays with it (TicketState.desk; the Desk search attribute); a ticket
// without one, from before desks existed, belongs to the default desk.
import type { Config } from '../config';
import type { SlaPolicy } from '../../workflows/sla/policy';

export interface Desk {
  id: string;
  name: string;
  /** Where customers write to it; the first is the From and Reply-To of everything its tickets send. */
  addresses: string[];
  /** The team's list, in Cc of every mail its tickets send to customers. */
  mailingList?: string;
  /** The display name in From (`OSS保守サポート窓口 <support@oss.example>`). */
  senderName?: string;
  /** Closes every answer its agents send, after a `-- ` line. */
  signature?: string;
  /** Its own mail templates (receipt_notice.txt, …); unset: MAIL_TEMPLATES_DIR, then the built-in ones. */
  templatesDir?: string;
  /** The portal's title for its customers. */
  portalTitle?: string;
  /** Its SLA policy; unset: the installation's (SLA_POLICY_FILE). */
  slaPolicy?: SlaPolicy;
  isDefault: boolean;
}

/** The id of the one desk of an installation without DESKS_FILE. */
const SINGLE_DESK_ID = 'default';

export class Desks {
  readonly default: Desk;
  private readonly byId: Map<string, Desk>;
  private readonly byAddress: Map<string, Desk>;

  constructor(
    readonly all: readonly Desk[],
    /** The policy of desks without their own; absent where no ticket is opened (the outbound-mail activities). */
    private readonly installationPolicy?: SlaPolicy,
  ) {
    const defaults = all.filter((d) => d.isDefault);
    if (defaults.length !== 1) throw new Error(`exactly one desk must be the default (${defaults.length} are)`);
    this.default = defaults[0];
    this.byId = new Map(all.map((d) => [d.id, d]));
    this.byAddress = new Map(all.flatMap((d) => d.addresses.map((a) => [a.toLowerCase(), d] as const)));
  }

  /** The desk of a ticket; a ticket from before desks (or of a desk since removed from the file) has the default. */
  of(id: string | null | undefined): Desk {
    return (id ? this.byId.get(id) : undefined) ?? this.default;
  }

  /** The desk a caller named (undefined: not one of ours). */
  named(id: string): Desk | undefined {
    return this.byId.get(id);
  }

  /** The desk a mail was sent to: the first recipient, in the order given, that is one of the desks' addresses. */
  forRecipients(recipients: readonly string[]): Desk {
    for (const address of recipients) {
      const desk = this.byAddress.get(address.trim().toLowerCase());
      if (desk) return desk;
    }
    return this.default;
  }

  /** Every address of every desk: mail from one of them is the desk's own, never a customer's. */
  addresses(): string[] {
    return this.all.flatMap((d) => d.addresses);
  }

  policyOf(desk: Desk): SlaPolicy {
    const policy = desk.slaPolicy ?? this.installationPolicy;
    if (!policy) throw new Error(`desk ${desk.id} has no SLA policy here`);
    return policy;
  }
}

/**
 * An installation without DESKS_FILE: one desk, from SUPPORT_ADDRESS,
 * MAILING_LIST_ADDRESS and MAIL_TEMPLATES_DIR. Without them (a caller that
 * only opens tickets), the desk has no address: it only names the policy.
 */
export function singleDesk(config: Partial<Pick<Config, 'supportAddress' | 'mailingListAddress'>> & { mail?: Pick<Config['mail'], 'templatesDir'> }, slaPolicy?: SlaPolicy): Desks {
  const desk: Desk = {
    id: SINGLE_DESK_ID,
    name: 'Helpdesk',
    addresses: config.supportAddress ? [config.supportAddress] : [],
    mailingList: config.mailingListAddress,
    templatesDir: config.mail?.templatesDir,
    isDefault: true,
  };
  return new Desks([desk], slaPolicy);
}

export function fromAddressOf(desk: Desk): string {
  return desk.addresses[0];
}

import type { CustomerArticle, CustomerState } from './visibility';
import { en } from './i18n-en';
import { ja } from './i18n-ja';

export interface PortalStrings {
  lang: 'ja' | 'en';
  portal: string;
  signIn: { title: string; intro: string; email: string; send: string; sent: string; invalidLink: string; expired: string };
  signOut: string;
  list: { title: string; number: string; subject: string; state: string; due: string; requester: string; none: string; new: string };
  states: Record<CustomerState, string>;
  ticket: {
    endCustomer: string;
    partnerNumber: string;
    you: string;
    desk: string;
    kinds: Record<CustomerArticle['kind'], string>;
    reply: string;
    replyBody: string;
    send: string;
    attachments: string;
    back: string;
  };
  newTicket: { title: string; subject: string; body: string; submit: string };
  knowledge: { title: string; intro: string; search: string; none: string; symptom: string; cause: string; fix: string; product: string };
  errors: { notFound: string; csrf: string; failed: string };
  mail: { subject: string; body: (name: string | null, link: string) => string };
}

export const PORTAL_LANGUAGE_COOKIE = 'hd_portal_lang';

/** Japanese unless English is asked for: ?lang=en (kept in a cookie), or a browser that prefers English. */
export function portalLanguage(chosen: string | undefined, acceptLanguage: string | undefined): 'ja' | 'en' {
  if (chosen === 'en' || chosen === 'ja') return chosen;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'ja';
}

export const portalStrings = (lang: 'ja' | 'en'): PortalStrings => (lang === 'en' ? en : ja);

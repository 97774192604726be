import { en } from './en';
import { ja } from './ja';

export type Labels = typeof ja;
export type Lang = 'ja' | 'en';
export const LANGUAGE_COOKIE = 'hd_lang';

export const labelsFor = (lang: Lang): Labels => (lang === 'en' ? en : ja);

/**
 * Japanese unless the person picked English (a cookie) or the browser prefers
 * English over Japanese in Accept-Language.
 */
export function pickLanguage(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (cookie === 'en' || cookie === 'ja') return cookie;
  const preferred = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.tag)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of preferred) {
    if (tag.startsWith('ja')) return 'ja';
    if (tag.startsWith('en')) return 'en';
  }
  return 'ja';
}

// A real browser for the console's tests: Debian's chromium driven by
// playwright-core (Playwright's own browser download cannot work on these
// machines). Installed with apt when missing, once per machine.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** apt-get install chromium fonts-noto-cjk when chromium is not there (the tests run as root, as CI does). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (as root)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-cjk'], { env, stdio: 'inherit' });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
}

export async function launchBrowser(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // This machine's network is closed: without these, chromium keeps trying to reach Google's hosts.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Screenshots are kept as the run's artifacts, in test-results/ (ignored by git). */
export function screenshotPath(name: string): string {
  const dir = path.resolve(import.meta.dirname, '../../test-results/screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

/** The sign-in form's words in the console's two languages. */
const SIGN_IN_WORDS = {
  ja: { user: 'ユーザー名', password: 'パスワード', signIn: 'サインイン' },
  en: { user: 'User name', password: 'Password', signIn: 'Sign in' },
} as const;

/** Opens /login, fills in the form in `lang` and presses Sign in; answers the response to the form's POST. */
export async function submitSignIn(page: Page, user: string, password: string, lang: keyof typeof SIGN_IN_WORDS = 'en'): Promise<Response> {
  const words = SIGN_IN_WORDS[lang];
  await page.goto('/login');
  await page.getByLabel(words.user).fill(user);
  await page.getByLabel(words.password).fill(password);
  const posted = page.waitForResponse((r) => new URL(r.url()).pathname === '/login' && r.request().method() === 'POST');
  await page.getByRole('button', { name: words.signIn }).click();
  return posted;
}

/** Signs `user` in and waits for the list a sign-in lands on (My open tickets). */
export async function signIn(page: Page, user: string, password: string, lang: keyof typeof SIGN_IN_WORDS = 'en'): Promise<void> {
  await submitSignIn(page, user, password, lang);
  await page.waitForURL(/\/tickets\?view=mine$/);
}

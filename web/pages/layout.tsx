import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Labels } from '../i18n';
import type { ConsoleSession } from '../session';

export interface PageFrame {
  t: Labels;
  title: string;
  session?: ConsoleSession;
  /** The list the menu marks as current. */
  current?: string;
  counts?: Record<string, number>;
  /** Where the language switch comes back to. */
  here?: string;
}

const MENU = ['mine', 'new', 'review', 'waiting', 'warning', 'breached', 'L1', 'L2', 'L3', 'closed'] as const;

export function Layout(props: PageFrame & { children?: Child }) {
  const { t, session } = props;
  const other = t.lang === 'ja' ? 'en' : 'ja';
  return (
    <>
    {raw('<!DOCTYPE html>')}
    <html lang={t.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} — ${t.appName}`}</title>
        <link rel="stylesheet" href="/assets/console.css" />
        <script src="/assets/htmx.min.js" defer></script>
        <script src="/assets/console.js" defer></script>
      </head>
      <body hx-headers={session ? JSON.stringify({ 'X-CSRF-Token': session.csrfToken }) : undefined} data-live={session ? '/events' : undefined}>
        <header class="top">
          <a class="brand" href="/">{t.appName}</a>
          {session && (
            <form class="search" method="get" action="/tickets">
              <input type="hidden" name="view" value="search" />
              <input type="search" name="q" aria-label={t.nav.search} placeholder={t.list.searchPlaceholder} />
            </form>
          )}
          <nav class="who">
            <a href={`/language/${other}?back=${encodeURIComponent(props.here ?? '/')}`}>{t.nav.language}</a>
            {session && (
              <>
                <span class="user">{session.actor.user} ({session.actor.role}{session.actor.level ? ` ${session.actor.level}` : ''})</span>
                <form method="post" action="/logout">
                  <input type="hidden" name="_csrf" value={session.csrfToken} />
                  <button type="submit" class="link">{t.signIn.signOut}</button>
                </form>
              </>
            )}
          </nav>
        </header>
        <div class="frame">
          {session && (
            <nav class="menu" aria-label="lists">
              <ul>
                {MENU.map((list) => (
                  <li class={props.current === list ? 'current' : undefined}>
                    <a href={`/tickets?view=${list}`} data-list={list}>
                      {t.nav[list]}
                      {props.counts && <span class="count" data-count={list}>{props.counts[list] ?? 0}</span>}
                    </a>
                  </li>
                ))}
                <li>
                  <a href="/console/knowledge">{t.knowledge.title}</a>
                </li>
                {session.actor.role === 'manager' && (
                  <li class={props.current === 'sla' ? 'current' : undefined}>
                    <a href="/sla">{t.nav.sla}</a>
                  </li>
                )}
              </ul>
            </nav>
          )}
          <main>{props.children}</main>
        </div>
        <dialog id="shortcuts">
          <h2>{t.keys.title}</h2>
          <ul>
            <li>{t.keys.move}</li>
            <li>{t.keys.open}</li>
            <li>{t.keys.memo}</li>
            <li>{t.keys.submit}</li>
            <li>{t.keys.help}</li>
          </ul>
          <form method="dialog">
            <button>OK</button>
          </form>
        </dialog>
      </body>
    </html>
    </>
  );
}

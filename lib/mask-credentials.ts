// The one way a URL's credentials are hidden before anything is logged or
// printed: every log line goes through it (lib/log.ts), and so do the lines
// that name a database or mailbox (lib/dependencies.ts, worker/mailbox-poller.ts,
// scripts/start.ts).

const MASK = '***';

/**
 * `scheme://` then everything up to the LAST `@` before a space or quote: a
 * password with an unencoded `/` or `@` in it (which people write) is still
 * masked whole. Over-masking (an `@` further on in a path) hides more than it
 * must, never less.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"'<>`]*)@/gi;

/** `?password=…`, `&sslpassword=…`, `;token=…` and their kin, in a URL or anywhere in a line. */
const SECRET_PARAMETER = /([?&;][\w.-]*(?:pass|pwd|secret|token|api[_-]?key|auth|credential)[\w.-]*=)([^&;#\s"'<>`]*)/gi;

/**
 * Masks the password of every URL in `text` (`postgres://user:***@host/db`,
 * `postgres://:***@host` for an empty user) and the value of every secret-looking
 * query parameter (`?password=***`). A user name alone, without a password, is kept.
 */
export function maskCredentials(text: string): string {
  return text
    .replace(USERINFO, (_, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon < 0 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:${MASK}@`;
    })
    .replace(SECRET_PARAMETER, (_, name: string) => `${name}${MASK}`);
}

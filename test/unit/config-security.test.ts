// Settings that guard the API are checked when the configuration is loaded:
// a bad entry stops the start with one line naming it, never a stack trace
// later, never an allowlist that lets everyone in.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';
import { createApp } from '../../api/app';
import { loadSlaPolicy } from '../../lib/sla-policy';
import { stubDatabase, stubTemporal } from '../support/stub-app';

const load = (env: Record<string, string>) => () => loadConfig({ DATABASE_URL: 'postgres://u:p@db.example/helpdesk', ...env });

describe('API_ALLOWED_IPS and TRUSTED_PROXIES', () => {
  it.each(['API_ALLOWED_IPS', 'TRUSTED_PROXIES'])('%s: every bad entry is a ConfigError naming it', (name) => {
    for (const [value, entry] of [
      ['10.0.0.0/', '10.0.0.0/'],
      ['10.0.0.0/33', '10.0.0.0/33'],
      ['2001:db8::/129', '2001:db8::/129'],
      ['localhost', 'localhost'],
      ['10.0.0.0/8, intranet.example', 'intranet.example'],
      ['*', '*'],
      ['10.0.0.0/8/8', '10.0.0.0/8/8'],
      ['10.0.0.0/-1', '10.0.0.0/-1'],
      ['fe80::1%eth0', 'fe80::1%eth0'],
      ['256.1.1.1', '256.1.1.1'],
    ]) {
      const loading = load({ [name]: value });
      expect(loading, value).toThrow(ConfigError);
      expect(loading, value).toThrow(`${name}: "${entry}"`);
    }
  });

  it('a list that is set but names nothing, or has an empty entry, is refused too (never "everyone")', () => {
    expect(load({ API_ALLOWED_IPS: ' , ' })).toThrow(/API_ALLOWED_IPS.*lists no address/);
    expect(load({ API_ALLOWED_IPS: '10.0.0.0/8,,192.168.1.7' })).toThrow(/API_ALLOWED_IPS has an empty entry/);
  });

  it('addresses and ranges of both families are taken, and the app builds its allowlist at start', () => {
    const config = load({ API_ALLOWED_IPS: '10.0.0.0/8, 192.168.1.7, 2001:db8::/32, ::1, ::ffff:172.16.0.0/108', TRUSTED_PROXIES: '10.0.0.1' })();
    expect(config.allowedIps).toEqual(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32', '::1', '::ffff:172.16.0.0/108']);
    expect(config.trustedProxies).toEqual(['10.0.0.1']);
    expect(() => createApp({ db: stubDatabase().db, temporal: stubTemporal(), config, slaPolicy: loadSlaPolicy() })).not.toThrow();
    expect(load({})().trustedProxies).toBeUndefined();
  });
});

describe('DATABASE_URL', () => {
  it('a value that is not a PostgreSQL URL is a ConfigError at once, without echoing the password', () => {
    for (const value of ['helpdesk', 'db.internal:5432', 'mysql://u:hunter2@db/helpdesk', 'postgres://u:hunter2/x@db/helpdesk']) {
      const loading = () => loadConfig({ DATABASE_URL: value });
      expect(loading, value).toThrow(ConfigError);
      try {
        loading();
      } catch (error) {
        expect((error as Error).message).not.toMatch(/hunter/);
      }
    }
  });

  it('postgres:// and postgresql:// URLs are taken, a password with an unencoded @ too', () => {
    for (const value of ['postgres://u:p@db/helpdesk', 'postgresql://u:p%2Fw@db:5432/helpdesk?sslmode=require', 'postgres://u:p@ss@db/helpdesk']) {
      expect(loadConfig({ DATABASE_URL: value }).databaseUrl).toBe(value);
    }
  });
});

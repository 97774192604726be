// The metrics settings are checked when the configuration is loaded, as every
// other setting: a bad value stops the start with one line naming it.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';

const load = (env: Record<string, string>) => () => loadConfig({ DATABASE_URL: 'postgres://u:p@db.example/helpdesk', ...env });

describe('METRICS_PORT, METRICS_HOST, METRICS_ALLOWED_IPS, TEMPORAL_METRICS_PORT', () => {
  it('defaults: no worker metrics server, no SDK exporter, loopback only', () => {
    expect(load({})().metrics).toEqual({ port: undefined, host: '127.0.0.1', allowedIps: ['127.0.0.0/8', '::1'], temporalPort: undefined });
  });

  it('values as given', () => {
    const config = load({ METRICS_PORT: '9464', TEMPORAL_METRICS_PORT: '9465', METRICS_HOST: '0.0.0.0', METRICS_ALLOWED_IPS: '10.0.0.0/8, 2001:db8::/32' })();
    expect(config.metrics).toEqual({ port: 9464, host: '0.0.0.0', allowedIps: ['10.0.0.0/8', '2001:db8::/32'], temporalPort: 9465 });
  });

  it.each(['METRICS_PORT', 'TEMPORAL_METRICS_PORT'])('%s that is not a port is a ConfigError naming it', (name) => {
    for (const value of ['0', '65536', 'abc', '94.64']) {
      expect(load({ [name]: value }), value).toThrow(ConfigError);
      expect(load({ [name]: value }), value).toThrow(`${name}=${value} is not a port number`);
    }
  });

  it('the two exporters on one port is refused', () => {
    expect(load({ METRICS_PORT: '9464', TEMPORAL_METRICS_PORT: '9464' })).toThrow(/METRICS_PORT and TEMPORAL_METRICS_PORT are both 9464/);
  });

  it('METRICS_HOST must be an IP address', () => {
    for (const value of ['localhost', 'metrics.internal', '10.0.0.0/8']) expect(load({ METRICS_HOST: value }), value).toThrow(`METRICS_HOST=${value} is not an IP address`);
    expect(load({ METRICS_HOST: '::1' })().metrics.host).toBe('::1');
  });

  it('METRICS_ALLOWED_IPS is checked exactly like API_ALLOWED_IPS', () => {
    for (const entry of ['10.0.0.0/', '10.0.0.0/33', 'localhost', '*', 'fe80::1%eth0']) {
      expect(load({ METRICS_ALLOWED_IPS: entry }), entry).toThrow(`METRICS_ALLOWED_IPS: "${entry}"`);
    }
    expect(load({ METRICS_ALLOWED_IPS: ' , ' })).toThrow(/METRICS_ALLOWED_IPS.*lists no address/);
    expect(load({ METRICS_ALLOWED_IPS: '10.0.0.0/8,,::1' })).toThrow(/METRICS_ALLOWED_IPS has an empty entry/);
  });
});

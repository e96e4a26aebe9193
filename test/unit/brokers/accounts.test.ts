import { readFileSync } from 'node:fs';
import { ZodError } from 'zod';
import { parseConnection, secretFrom, type AccountKind } from '../../../brokers/accounts.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), 'utf8');
const CERT = fixture('gateway-cert.pem');
const KEY = fixture('gateway-key.pem');

function fieldsOf(kind: AccountKind, settings: unknown): string[] {
  try {
    parseConnection(kind, settings);
    return [];
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    return error.issues.map((issue) => issue.path.join('.') || (issue.code === 'unrecognized_keys' ? 'keys' : '?'));
  }
}

describe('account connection settings', () => {
  it.each<[string, AccountKind, unknown, string[]]>([
    ['a gateway with its URL and token variable', 'mt5-gateway', { url: 'http://h:8765', tokenEnv: 'GW_TOKEN' }, []],
    ['a gateway without a URL', 'mt5-gateway', { tokenEnv: 'GW_TOKEN' }, ['url']],
    ['a gateway URL that is not http(s)', 'mt5-gateway', { url: 'ftp://h', tokenEnv: 'T' }, ['url']],
    [
      'a token given instead of its variable',
      'mt5-gateway',
      { url: 'http://h', tokenEnv: 'abc def-123' },
      ['tokenEnv'],
    ],
    ['a secret smuggled in as an unknown key', 'mt5-gateway', { url: 'http://h', tokenEnv: 'T', token: 's' }, ['keys']],
    [
      'an https gateway trusting its own certificate',
      'mt5-gateway',
      { url: 'https://gw.example', tokenEnv: 'T', caCert: CERT },
      [],
    ],
    // A CA for a plain-http gateway would read as protection it does not give.
    [
      'a CA certificate for a plain-http gateway',
      'mt5-gateway',
      { url: 'http://h', tokenEnv: 'T', caCert: CERT },
      ['caCert'],
    ],
    ['a key given as the CA', 'mt5-gateway', { url: 'https://h', tokenEnv: 'T', caCert: KEY }, ['caCert']],
    ['a certificate with its key', 'mt5-gateway', { url: 'https://h', tokenEnv: 'T', caCert: CERT + KEY }, ['caCert']],
    ['a CA that is not PEM', 'mt5-gateway', { url: 'https://h', tokenEnv: 'T', caCert: 'hello' }, ['caCert']],
    ['an https URL in capitals', 'mt5-gateway', { url: 'HTTPS://10.0.0.5', tokenEnv: 'T', caCert: CERT }, []],
    // Stored accounts are read with this schema too: the address is checked when a CA is given
    // (db/broker-accounts.ts), so one registered under older rules still loads.
    [
      'a certificate for another address, when read',
      'mt5-gateway',
      { url: 'https://10.0.0.9', tokenEnv: 'T', caCert: CERT },
      [],
    ],
    ['MetaApi with its account id', 'metaapi', { tokenEnv: 'METAAPI_TOKEN', accountId: 'abc' }, []],
    ['MetaApi without its account id', 'metaapi', { tokenEnv: 'METAAPI_TOKEN' }, ['accountId']],
    [
      'MetaApi with a longer wait for late trades',
      'metaapi',
      { tokenEnv: 'T', accountId: 'a', lateSendMs: 300_000 },
      [],
    ],
    // Below the SDK's own 60 s a trade it still holds could land after the engine resent it.
    [
      'MetaApi with no wait for late trades',
      'metaapi',
      { tokenEnv: 'T', accountId: 'a', lateSendMs: 0 },
      ['lateSendMs'],
    ],
    [
      'a pip size that is not positive',
      'metaapi',
      { tokenEnv: 'T', accountId: 'a', instruments: { XAUUSDm: { pipSize: 0 } } },
      ['instruments.XAUUSDm.pipSize'],
    ],
    [
      'an unknown instrument fact',
      'mt5-gateway',
      { url: 'http://h', tokenEnv: 'T', instruments: { X: { pip: 1 } } },
      ['instruments.X'],
    ],
    ['paper with its defaults', 'paper', {}, []],
    ['paper with a bad mode', 'paper', { mode: 'both' }, ['mode']],
  ])('%s', (_, kind, settings, fields) => {
    expect(fieldsOf(kind, settings)).toEqual(fields);
  });

  it('strips a trailing slash from the gateway URL and fills paper defaults', () => {
    expect(parseConnection('mt5-gateway', { url: 'http://h:8765/', tokenEnv: 'T' }).settings).toMatchObject({
      url: 'http://h:8765',
    });
    expect(parseConnection('paper', {}).settings).toEqual({
      mode: 'hedging',
      balance: 10_000,
      leverage: 100,
      latencyMs: 0,
    });
  });

  it('reads a secret from the variable it names, and names the variable when it is unset', () => {
    expect(secretFrom({ GW: 's3cret' }, 'GW', 'icm')).toBe('s3cret');
    expect(() => secretFrom({}, 'GW', 'icm')).toThrow(
      'account icm: the environment variable GW (its token) is not set',
    );
  });
});

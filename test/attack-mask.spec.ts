/**
 * Attack regressions for Secrets.mask: encodings of a value the masker did
 * not look for.
 */
import { IsString } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { loadSecrets, SecretsSection } from '../lib';
import { escapedTwice, EXTRA_FORMS_MAX_LENGTH, Masker, urlForms, withinBase64 } from '../lib/mask/masker';

// The canary password.
const PASSWORD = 'plain-canary-77aa';

@SecretsSection('api')
class ApiSecrets {
  @IsString() password!: string;
}

const basic = (credentials: string) => `Authorization: Basic ${Buffer.from(credentials).toString('base64')}`;

describe('a value inside a longer base64 text (the Basic header of user:password)', () => {
  it('is masked at each offset in a 3-byte group, with text after it or not', async () => {
    const secrets = await loadSecrets({ sections: [ApiSecrets], values: { api: { password: PASSWORD } }, env: {} });
    expect(
      [basic(`admin:${PASSWORD}`), basic(`user:${PASSWORD}`), basic(`x:${PASSWORD}`), basic(`x:${PASSWORD}xy`)].map(
        (header) => secrets.mask(header),
      ),
    ).toEqual([
      'Authorization: Basic YWRtaW46[REDACTED]',
      'Authorization: Basic dXNlcjp[REDACTED]Q==',
      'Authorization: Basic eDp[REDACTED]Q==',
      'Authorization: Basic eDp[REDACTED]Xh5',
    ]);
  });

  it('lists, for each offset, the base64 and base64url characters the value alone determines', () => {
    expect(withinBase64('password')).toEqual(['cGFzc3dvcm', 'Bhc3N3b3Jk', 'wYXNzd29yZ']);
    expect(withinBase64('??>>??>>')).toEqual([
      'Pz8+Pj8/Pj',
      'Pz8-Pj8_Pj',
      '8/Pj4/Pz4+',
      '8_Pj4_Pz4-',
      '/Pz4+Pz8+P',
      '_Pz4-Pz8-P',
    ]);
  });

  it('is masked in a stream too', async () => {
    const stream = new Masker([PASSWORD], { extraForms: true }).createStream();
    const out: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => out.push(chunk));
    stream.end(basic(`user:${PASSWORD}`));
    await new Promise((resolve) => stream.on('end', resolve));
    expect(Buffer.concat(out).toString()).toBe('Authorization: Basic dXNlcjp[REDACTED]Q==');
  });
});

describe('a value in a URL not encoded by encodeURIComponent', () => {
  // A canary with a space, !'()~ and $:@, which the URL encoders treat differently.
  const value = "it's (a) pa$s:w@rd~canary!";

  it('is masked as a form field (URLSearchParams) and as the password of a URL', async () => {
    const secrets = await loadSecrets({ values: { oauth: { client_secret: value } }, env: {} });
    const url = new URL('postgres://db.example.com/app');
    url.username = 'app';
    url.password = value;
    expect([
      secrets.mask(`grant_type=client_credentials&${new URLSearchParams({ client_secret: value }).toString()}`),
      secrets.mask(url.href),
    ]).toEqual([
      'grant_type=client_credentials&client_secret=[REDACTED]',
      'postgres://app:[REDACTED]@db.example.com/app',
    ]);
  });

  it('lists the form field and URL password forms, none for a lone surrogate', () => {
    expect(urlForms(value)).toEqual([
      'it%27s+%28a%29+pa%24s%3Aw%40rd%7Ecanary%21',
      "it's%20(a)%20pa$s%3Aw%40rd~canary!",
    ]);
    expect(urlForms('abcdefgh\ud800')).toEqual([]);
  });
});

describe('a value with " or \\ escaped twice (a JSON body inside a JSON log line or an inspected object)', () => {
  // A canary as a generated password may be: with a quote and a backslash.
  const value = 'gen"pass\\word-canary';

  it('is masked in a JSON line holding a JSON body', async () => {
    const secrets = await loadSecrets({ values: { db: { password: value } }, env: {} });
    const body = JSON.stringify({ password: value });
    expect(secrets.mask(JSON.stringify({ level: 30, body }))).toBe(
      '{"level":30,"body":"{\\"password\\":\\"[REDACTED]\\"}"}',
    );
  });

  it('lists the JSON escape of the JSON escape and its util.inspect form, none for a plain value', () => {
    expect(escapedTwice(value)).toEqual(['gen\\\\\\"pass\\\\\\\\word-canary', 'gen\\\\"pass\\\\\\\\word-canary']);
    expect(escapedTwice('plain-value')).toEqual([]);
  });
});

describe('the extra forms of a long value', () => {
  it('are left out past EXTRA_FORMS_MAX_LENGTH characters (a 1 MiB value would cost hundreds of MB)', () => {
    const atLimit = `${'x'.repeat(EXTRA_FORMS_MAX_LENGTH - 1)}"`;
    const past = `${'x'.repeat(EXTRA_FORMS_MAX_LENGTH)}"`;
    const extra = (value: string) => new Masker([value], { extraForms: true }).size - new Masker([value]).size;
    expect([extra(atLimit) > 0, extra(past)]).toEqual([true, 0]);
  });
});

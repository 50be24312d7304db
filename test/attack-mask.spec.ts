/**
 * Attack regressions for Secrets.mask: encodings of a value the masker did
 * not look for.
 */
import { IsString } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { loadSecrets, SecretsSection } from '../lib';
import { Masker, withinBase64 } from '../lib/mask';

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
    const stream = new Masker([PASSWORD], { withinBase64: true }).createStream();
    const out: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => out.push(chunk));
    stream.end(basic(`user:${PASSWORD}`));
    await new Promise((resolve) => stream.on('end', resolve));
    expect(Buffer.concat(out).toString()).toBe('Authorization: Basic dXNlcjp[REDACTED]Q==');
  });
});

/**
 * `Secrets.mask` and `SecretsService.mask`: which values of a loaded file are
 * masked, and that the masker is built lazily, once per `Secrets`.
 */
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Transform } from 'class-transformer';
import { IsInt, IsString } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { loadSecrets, NotSecret, SecretsModule, SecretsSection, SecretsService } from '../lib';

// Canary values: distinct, at least MASK_MIN_LENGTH (8) characters.
const API_KEY = 'canary-api-key-7f3a';
const DB_PASSWORD = 'canary-db-pass-91c2';
const UNCLAIMED = 'canary-unclaimed-5d0e';
const PUBLIC_URL = 'https://public.example.com';

@SecretsSection('api')
class ApiSecrets {
  @IsString() key!: string;
  @IsString() @NotSecret() url!: string;
}

@SecretsSection('db')
class DbSecrets {
  @IsString() password!: string;
  @IsInt() port!: number;
  // A derived secret the file does not contain: the password reversed.
  @Transform(({ value }) => String(value).split('').reverse().join('')) @IsString() reversed!: string;
}

const values = {
  api: { key: API_KEY, url: PUBLIC_URL },
  db: { password: DB_PASSWORD, port: '5432', reversed: 'derived-secret-value' },
  extra: { token: UNCLAIMED, short: 'short' },
};

describe('Secrets.mask', () => {
  it('masks every secret value of every section, also of sections no DTO claims', async () => {
    const secrets = await loadSecrets({ sections: [ApiSecrets, DbSecrets], values, env: {} });
    expect(secrets.mask(`key=${API_KEY} password=${DB_PASSWORD} token=${UNCLAIMED}`)).toBe(
      'key=[REDACTED] password=[REDACTED] token=[REDACTED]',
    );
  });

  it('leaves values of @NotSecret keys and values shorter than 8 characters as they are', async () => {
    const secrets = await loadSecrets({ sections: [ApiSecrets, DbSecrets], values, env: {} });
    expect(secrets.mask(`url=${PUBLIC_URL} short=short port=5432`)).toBe(`url=${PUBLIC_URL} short=short port=5432`);
  });

  it('masks a value of a @NotSecret key when no DTO claims its section', async () => {
    const secrets = await loadSecrets({ values, env: {} });
    expect(secrets.mask(PUBLIC_URL)).toBe('[REDACTED]');
  });

  it('masks what a @Transform derived from a secret as well as the raw value', async () => {
    const secrets = await loadSecrets({ sections: [DbSecrets], values: { db: values.db }, env: {} });
    expect(secrets.mask('eulav-terces-devired / derived-secret-value')).toBe('[REDACTED] / [REDACTED]');
  });

  it('masks the common encodings of a value', async () => {
    const secrets = await loadSecrets({ values: { api: { key: API_KEY } }, env: {} });
    const bytes = Buffer.from(API_KEY);
    const forms = [
      bytes.toString('base64'),
      bytes.toString('base64url'),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      encodeURIComponent(API_KEY),
      JSON.stringify(API_KEY).slice(1, -1),
    ];
    expect(forms.map((form) => secrets.mask(`<${form}>`))).toEqual(forms.map(() => '<[REDACTED]>'));
  });

  it('masks a value with quotes of every kind as util.inspect escapes it inside an object', async () => {
    const quoted = `it's "quoted" \`thrice\``;
    const secrets = await loadSecrets({ values: { s: { v: quoted } }, env: {} });
    expect(secrets.mask(`{ v: 'it\\'s "quoted" \`thrice\`' }`)).toBe("{ v: '[REDACTED]' }");
  });

  it('returns text without a secret as the same string', async () => {
    const secrets = await loadSecrets({ sections: [ApiSecrets, DbSecrets], values, env: {} });
    const text = 'nothing to see here';
    expect(secrets.mask(text)).toBe(text);
  });

  it('throws a TypeError for anything but a string', async () => {
    const secrets = await loadSecrets({ values, env: {} });
    expect(() => secrets.mask(42 as unknown as string)).toThrow(new TypeError('mask(text): text must be a string'));
  });

  it('builds its own masker for withSections: a DTO there can make a key @NotSecret', async () => {
    const secrets = await loadSecrets({ values, env: {} });
    expect(secrets.mask(PUBLIC_URL)).toBe('[REDACTED]');
    const wider = await secrets.withSections([ApiSecrets]);
    expect([wider.mask(PUBLIC_URL), secrets.mask(PUBLIC_URL)]).toEqual([PUBLIC_URL, '[REDACTED]']);
  });
});

describe('SecretsService.mask', () => {
  it("masks with the application's secrets, forFeature sections included", async () => {
    @Module({ imports: [SecretsModule.forFeature([ApiSecrets])] })
    class FeatureModule {}
    @Module({
      imports: [SecretsModule.forRoot({ sections: [DbSecrets], values, env: {}, logger: false }), FeatureModule],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    try {
      expect(app.get(SecretsService).mask(`${DB_PASSWORD} ${API_KEY} ${PUBLIC_URL}`)).toBe(
        `[REDACTED] [REDACTED] ${PUBLIC_URL}`,
      );
    } finally {
      await app.close();
    }
  });
});

/**
 * The benchmark's inputs, generated (no secret is committed): 50 sections × 8
 * keys = 400 keys, about a fifth of the values using `${VAR}` or
 * `${VAR:-default}`; larger sizes repeat the same 50 sections under new names
 * (`facebook`, `facebook_1`, …), so every size has the same mix of types and
 * references and reuses the same variables.
 *
 * Everything is derived from a fixed seed: the parent writes the files and
 * every worker rebuilds the same spec to make its DTO classes and check the
 * loaded values.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const SIZES = [400, 2000, 8000, 20000];
export const KEYS_PER_SECTION = 8;
const BASE_SECTIONS = 50;

const PROVIDERS = [
  'authentication',
  'authomatic',
  'session',
  'facebook',
  'twitter',
  'google',
  'github',
  'gitlab',
  'linkedin',
  'stripe',
  'paypal',
  'sendgrid',
  'mailgun',
  'twilio',
  'slack',
  'sentry',
  'datadog',
  'algolia',
  'auth0',
  'okta',
  'aws_s3',
  'aws_ses',
  'postgres',
  'redis',
  'rabbitmq',
];
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2', 'eu-central-1'];
const SCOPES = ['read', 'write', 'email', 'profile', 'offline_access', 'admin'];

/** key → kind; the kinds are what the DTOs declare (design:type) and validate. */
export const KEYS = [
  ['consumer_key', 'string'],
  ['consumer_secret', 'string'],
  ['api_url', 'string'],
  ['region', 'string'],
  ['timeout_ms', 'number'],
  ['max_retries', 'number'],
  ['enabled', 'boolean'],
  ['scope', 'list'],
];

/** mulberry32: a small seeded PRNG, so every run and every worker sees the same data. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

function token(random, min, max) {
  const length = min + Math.floor(random() * (max - min + 1));
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

/**
 * The 50 base sections: for each key its file text (`raw`), its expected
 * typed value after interpolation and conversion, and the variables it needs.
 */
function baseSections() {
  const random = prng(0x5ec7e75);
  const env = {};
  const sections = [];
  for (let i = 0; i < BASE_SECTIONS; i++) {
    const name = i < PROVIDERS.length ? PROVIDERS[i] : `${PROVIDERS[i - PROVIDERS.length]}_crawl`;
    const keys = [];
    for (const [key, kind] of KEYS) {
      let text;
      let value;
      if (kind === 'string') {
        value =
          key === 'api_url'
            ? `https://api.${name.replace(/_/g, '-')}.example.com/v${1 + Math.floor(random() * 3)}`
            : key === 'region'
              ? REGIONS[Math.floor(random() * REGIONS.length)]
              : key === 'consumer_secret'
                ? token(random, 32, 64)
                : token(random, 20, 40);
        text = value;
        // 4 of 8 keys are strings; referencing 40% of them makes ~20% of all values.
        if (random() < 0.4) {
          const variable = `BENCH_${name}_${key}`.toUpperCase();
          const pick = random();
          if (pick < 0.5) {
            env[variable] = value;
            text = `\${${variable}}`;
          } else if (pick < 0.75) {
            env[variable] = value;
            text = `\${${variable}:-${token(random, 8, 16)}}`;
          } else {
            text = `\${${variable}:-${value}}`;
          }
        }
      } else if (kind === 'number') {
        value = key === 'timeout_ms' ? 1000 * (1 + Math.floor(random() * 60)) : Math.floor(random() * 10);
        text = String(value);
      } else if (kind === 'boolean') {
        value = random() < 0.7;
        text = String(value);
      } else {
        value = SCOPES.filter(() => random() < 0.4);
        if (value.length === 0) value = ['read'];
        text = value.join(', ');
      }
      keys.push({ key, kind, text, value });
    }
    sections.push({ name, keys });
  }
  return { sections, env };
}

/**
 * The data for `size` keys (a multiple of 400): sections in file order and
 * the variables to put into the environment.
 */
export function makeSpec(size) {
  if (size % (BASE_SECTIONS * KEYS_PER_SECTION) !== 0) throw new Error(`size must be a multiple of 400: ${size}`);
  const base = baseSections();
  const copies = size / (BASE_SECTIONS * KEYS_PER_SECTION);
  const sections = [];
  for (let copy = 0; copy < copies; copy++) {
    for (const section of base.sections) {
      sections.push({ name: copy === 0 ? section.name : `${section.name}_${copy}`, keys: section.keys });
    }
  }
  return { size, sections, env: base.env };
}

/** `<SECTION>__<KEY>`: the flat name of a key in the `.env` file for @nestjs/config. */
export function envName(section, key) {
  return `${section}__${key}`.toUpperCase();
}

export function iniFile(dir, size) {
  return path.join(dir, `bench-${size}-secrets.ini`);
}

export function envFile(dir, size) {
  return path.join(dir, `bench-${size}.env`);
}

/** Writes the same data as an INI file (ours, floor, nest-typed-config) and a `.env` file (@nestjs/config). */
export function writeFixtures(dir, size) {
  const spec = makeSpec(size);
  const ini = [`; generated by bench/lib/data.mjs: ${size} keys, placeholder values`];
  const env = [`# generated by bench/lib/data.mjs: ${size} keys, placeholder values`];
  for (const section of spec.sections) {
    ini.push('', `[${section.name}]`);
    for (const { key, text } of section.keys) {
      ini.push(`${key} = ${text}`);
      env.push(`${envName(section.name, key)}=${text}`);
    }
  }
  writeFileSync(iniFile(dir, size), ini.join('\n') + '\n', { mode: 0o600 });
  writeFileSync(envFile(dir, size), env.join('\n') + '\n', { mode: 0o600 });
  return spec;
}

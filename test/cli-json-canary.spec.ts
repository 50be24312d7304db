import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageEncrypt, ageKeygen, cleanEnv, run, runCli, tempDir, write } from './helpers/cli';

const SECTIONS = path.resolve('test/fixtures/check/sections.js');

/** Each canary, and what a report could leak it as: base64, hex, its SHA-256. */
function leaks(canaries: readonly string[]): string[] {
  return canaries.flatMap((canary) => [
    canary,
    Buffer.from(canary).toString('base64'),
    Buffer.from(canary).toString('hex'),
    createHash('sha256').update(canary).digest('hex'),
  ]);
}

describe('--json never holds a value', () => {
  it('check --json and keys --json, with values from files (plain and .age), fallbacks, variables and a directory', async () => {
    const home = tempDir('nis-json-canary-');
    const dir = path.join(home, 'project');
    const volume = path.join(dir, 'volume');
    run('mkdir', ['-p', volume]);
    const canary = (n: number) => `CANARY-json-${n}-${'7f3a9c'.repeat(6)}`;
    const file = (secret: string, session: string) =>
      '[authentication]\n' +
      `secret = ${secret}\n` +
      '[authomatic]\n' +
      `secret = \${AUTHOMATIC_SECRET:-${canary(1)}}\n` +
      '[facebook]\nclass = authomatic.providers.oauth2.Facebook\nconsumer_key = short\nconsumer_secret =\n' +
      '[twitter]\nclass = authomatic.providers.oauth1.Twitter\n' +
      `[session]\nsecret = ${session}\n` +
      `[extra]\nplaceholder = CHANGEME-${canary(2)}\nreused = ${canary(0)}\n`;
    write(dir, 'staging-secrets.ini', file(canary(0), canary(3)), 0o644);
    const key = ageKeygen(home, 'key.txt');
    writeFileSync(
      path.join(dir, 'production-secrets.ini.age'),
      ageEncrypt([key.recipient], file(canary(4), canary(0)), true),
    );
    write(volume, 'session.secret', 'short-6', 0o644);
    const variables = {
      SECRETS_AGE_KEY_FILE: key.file,
      AUTHOMATIC_SECRET: canary(5),
      SECRETS__AUTHENTICATION__SECRET: 'tiny-5',
    };
    const env = { ...cleanEnv(home), ...variables };
    const sources = ['--secrets-dir', 'volume', '--env-prefix', 'SECRETS__'];

    const outputs: string[] = [];
    for (const args of [
      ['check', '--sections', SECTIONS, '-e', 'staging,production', '--json'],
      ['check', '--sections', SECTIONS, '-e', 'staging,production', '--json', '--strict', ...sources],
      ['keys', '-e', 'staging', '--json'],
      ['keys', '-e', 'production', '--json', ...sources],
    ]) {
      const result = await runCli(args, { cwd: dir, env, installed: true });
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^\{"schema":"nest-secrets\/(check|keys)@1",.*\}\n$/);
      outputs.push(result.stdout);
    }
    // The runs did report on these values: duplicates, a placeholder, short values.
    expect(outputs[0]).toContain('"code":"DUPLICATE_VALUE"');
    expect(outputs[0]).toContain('"code":"PLACEHOLDER"');
    expect(outputs[1]).toContain('(from variable SECRETS__AUTHENTICATION__SECRET)');
    const all = outputs.join('');
    const secrets = [...Array.from({ length: 6 }, (_, n) => canary(n)), 'short-6', 'tiny-5', key.identity];
    for (const leak of leaks(secrets)) expect(all).not.toContain(leak);
    expect(all).not.toContain('7f3a9c');
  });
});

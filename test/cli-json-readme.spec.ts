/**
 * README's `--json` examples (check and keys), run as written: the command
 * from the example block, its output compared with the output block once the
 * temp project directory reads `/srv/app`, as in README.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageEncrypt, ageKeygen, CLI, cleanEnv, run, runCli, tempDir, write } from './helpers/cli';
import { readmeExample, readmeOutput, shellCommands } from './helpers/readme';
import { token } from './helpers/check-fixture';

const FIXTURE = path.resolve('test/fixtures/check/sections.js');
const README_DIR = '/srv/app';

/**
 * A project like README's: the app's built DTOs at dist/secrets.js (the
 * check fixture), a staging file readable by others, and a production `.age`
 * file with a placeholder and a secret too short for its DTO.
 */
function readmeProject(): { dir: string; env: Record<string, string> } {
  const home = tempDir('nis-json-readme-');
  const dir = path.join(home, 'app');
  run('mkdir', ['-p', path.join(dir, 'dist')]);
  write(dir, 'dist/secrets.js', `module.exports = require(${JSON.stringify(FIXTURE)});\n`);
  const file = (secrets: [string, string, string]) =>
    `[authentication]\nsecret = ${secrets[0]}\n[authomatic]\nsecret = ${secrets[1]}\n` +
    '[facebook]\nclass = authomatic.providers.oauth2.Facebook\nconsumer_key =\n' +
    'consumer_secret = ${FACEBOOK_API_KEY:-}\nscope = user_about_me, email\n' +
    `[twitter]\nclass = authomatic.providers.oauth1.Twitter\n[session]\nsecret = ${secrets[2]}\n`;
  write(dir, 'staging-secrets.ini', file([token(1), token(2), token(3)]), 0o644);
  const key = ageKeygen(home, 'key.txt');
  writeFileSync(
    path.join(dir, 'production-secrets.ini.age'),
    ageEncrypt([key.recipient], file(['too-short', `CHANGEME-${token(5)}`, token(6)]), true),
  );
  return { dir, env: { ...cleanEnv(home), SECRETS_AGE_KEY_FILE: key.file } };
}

/** `npx nest-secrets …` of a README example, as arguments. */
function cliArgs(name: string): string[] {
  const [command, ...more] = shellCommands(readmeExample(name));
  expect(more).toEqual([]);
  const [npx, bin, ...args] = command!.split(/\s+/);
  expect([npx, bin]).toEqual(['npx', 'nest-secrets']);
  return args;
}

describe('README: --json', () => {
  it('check --json prints the document README shows', async () => {
    const { dir, env } = readmeProject();
    const result = await runCli(cliArgs('check-json'), { cwd: dir, env, installed: true });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout.replaceAll(dir, README_DIR))).toEqual(JSON.parse(readmeOutput('check-json')));
  });

  it('keys --json prints the document README shows', async () => {
    const home = tempDir('nis-json-readme-');
    const dir = path.join(home, 'app');
    const key = ageKeygen(home, 'key.txt');
    write(
      dir,
      'production-secrets.ini.age',
      ageEncrypt(
        [key.recipient],
        `[authentication]\nsecret = ${token(1)}\n[facebook]\nclass = authomatic.providers.oauth2.Facebook\n` +
          'consumer_key =\nconsumer_secret = ${FACEBOOK_API_KEY:-}\n',
        true,
      ),
    );
    const env = { ...cleanEnv(home), SECRETS_AGE_KEY_FILE: key.file };
    const result = await runCli(cliArgs('keys-json'), { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.replaceAll(dir, README_DIR))).toEqual(JSON.parse(readmeOutput('keys-json')));
  });

  // Only a shell shows what the CI step does: a pipe into jq, and `pipefail`
  // carrying nest-secrets' exit code through it. `npx nest-secrets` is the built CLI.
  it('the CI step prints one annotation per problem and fails', () => {
    const { dir, env } = readmeProject();
    const bin = path.join(dir, '..', 'bin');
    write(
      bin,
      'npx',
      `#!/bin/sh\n[ "$1" = nest-secrets ] || exit 127\nshift\nexec "${process.execPath}" "${CLI}" "$@"\n`,
      0o755,
    );
    const result = spawnSync('bash', ['-c', readmeExample('check-json-ci')], {
      cwd: dir,
      env: { ...env, PATH: `${bin}:${env.PATH}` },
      encoding: 'utf8',
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 1, stderr: '' });
    expect(result.stdout.replaceAll(dir, README_DIR)).toBe(readmeOutput('check-json-ci'));
  });
});

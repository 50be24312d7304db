import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllowList } from '../lib/cli/allow-list';
import { cleanEnv, gitInit, run, runCli, tempDir, write } from './helpers/cli';

describe('.nest-secrets-allow patterns (gitignore syntax through `ignore`, anchored at the top)', () => {
  it.each([
    ['production-secrets.ini', 'production-secrets.ini', true],
    ['production-secrets.ini', 'config/production-secrets.ini', false],
    ['/config/production-secrets.ini', 'config/production-secrets.ini', true],
    ['  config/production-secrets.ini \t', 'config/production-secrets.ini', true],
    ['*/*/production-secrets.ini', 'config/production-secrets.ini', false],
    ['**/x-secrets.ini', 'x-secrets.ini', true],
    ['**/x-secrets.ini', 'a/b/x-secrets.ini', true],
    ['a/**/b-secrets.ini', 'a/b-secrets.ini', true],
    ['a/**/b-secrets.ini', 'a/x/y/b-secrets.ini', true],
    ['sample/**', 'sample/a/b-secrets.ini', true],
    ['sample/*-secrets.ini', 'sample/a/b-secrets.ini', false],
    ['config/', 'config/a/production-secrets.ini', true],
    ['config/', 'configs/production-secrets.ini', false],
    ['?-secrets.ini', 'a-secrets.ini', true],
    ['?-secrets.ini', 'ab-secrets.ini', false],
    ['[dt]*-secrets.ini', 'test-secrets.ini', true],
    ['[dt]*-secrets.ini', 'production-secrets.ini', false],
    ['[a-c]-secrets.ini', 'b-secrets.ini', true],
    ['[!a-c]-secrets.ini', 'b-secrets.ini', false],
    ['[!a-c]-secrets.ini', 'x-secrets.ini', true],
    ['{a,b}-secrets.ini', 'a-secrets.ini', false],
    ['{a,b}-secrets.ini', '{a,b}-secrets.ini', true],
    ['config/*\n!config/production-secrets.ini', 'config/production-secrets.ini', false],
    ['config/*\n!config/production-secrets.ini', 'config/test-secrets.ini', true],
    ['config/\n!config/production-secrets.ini', 'config/production-secrets.ini', true],
    ['# config/production-secrets.ini', 'config/production-secrets.ini', false],
    ['\\#a-secrets.ini', '#a-secrets.ini', true],
    ['\\!a-secrets.ini', '!a-secrets.ini', true],
    ['a-secrets.ini\\ ', 'a-secrets.ini ', true],
    ['a-secrets.ini\\ ', 'a-secrets.ini', false],
    ['x\r\nproduction-secrets.ini\r\n', 'production-secrets.ini', true],
    ['', 'production-secrets.ini', false],
    // A UTF-8 byte order mark (Windows editors) is skipped at the start only, as git does in .gitignore.
    ['\uFEFFproduction-secrets.ini\r\n', 'production-secrets.ini', true],
    ['x\n\uFEFFproduction-secrets.ini', 'production-secrets.ini', false],
  ])('%j allows %s: %s', (text, relative, allowed) => {
    expect(parseAllowList(text).allows(relative)).toBe(allowed);
  });
});

describe('check reads the same allow list', () => {
  const SECTIONS = path.resolve('test/fixtures/check/sections.js');
  const FILE = [
    '[authentication]',
    `secret = ${'0a'.repeat(20)}`,
    '[authomatic]',
    `secret = ${'1b'.repeat(20)}`,
    '[facebook]',
    'class = authomatic.providers.oauth2.Facebook',
    '[twitter]',
    'class = authomatic.providers.oauth1.Twitter',
    '[session]',
    `secret = ${'2c'.repeat(20)}`,
    '',
  ].join('\n');

  it('a tracked plaintext file taken back by `!` is an error; allowed by a [set], it is fine', async () => {
    const home = tempDir('nis-allow-');
    const dir = path.join(home, 'project');
    const env = cleanEnv(home);
    gitInit(dir, env);
    const file = write(dir, 'config/production-secrets.ini', FILE, 0o600);
    run('git', ['add', '.'], { cwd: dir, env });
    run('git', ['commit', '-q', '-m', 'placeholders'], { cwd: dir, env });
    const check = () =>
      runCli(['check', '--sections', SECTIONS, '-e', 'production', '--dir', 'config'], {
        cwd: dir,
        env,
        installed: true,
      });

    write(dir, '.nest-secrets-allow', 'config/*\n!config/production-secrets.ini\n');
    const refused = await check();
    expect(refused.stderr).toBe(
      `${file}: is tracked by git in plaintext. Encrypt it (nest-secrets encrypt --environment production), ` +
        'untrack it (git rm --cached config/production-secrets.ini) and rotate its secrets, which stay in the history; ' +
        'if it holds only placeholders, list it in .nest-secrets-allow\n',
    );
    expect(refused.status).toBe(1);

    write(dir, '.nest-secrets-allow', 'config/[pt]*-secrets.ini\n');
    const allowed = await check();
    expect(allowed.stderr).toBe('');
    expect(allowed.status).toBe(0);
  });
});

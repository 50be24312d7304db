import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageEncrypt, ageKeygen, cleanEnv, gitInit, run, runCli, tempDir, write } from './helpers/cli';
import { secretsFile, token } from './helpers/check-fixture';

const SECTIONS = path.resolve('test/fixtures/check/sections.js');
const ESM_SECTIONS = path.resolve('test/fixtures/check/sections.mjs');
const NO_SECTIONS = path.resolve('test/fixtures/check/no-sections.js');

/** A project directory with an isolated HOME; a git work tree when asked. */
function setup(options: { git?: boolean } = {}): { dir: string; env: Record<string, string>; home: string } {
  const home = tempDir('nis-check-');
  const dir = path.join(home, 'project');
  const env = cleanEnv(home);
  if (options.git) gitInit(dir, env);
  else run('mkdir', ['-p', dir]);
  return { dir, env, home };
}

function summary(file: string, environment: string, keys = 8, tail = 'ok'): string {
  return `${file}: ${tail} (environment ${environment}; 5 sections: authentication, authomatic, facebook, twitter, session; ${keys} keys)\n`;
}

async function check(dir: string, env: Record<string, string>, ...args: string[]) {
  return runCli(['check', '--sections', SECTIONS, ...args], { cwd: dir, env, installed: true });
}

describe('nest-secrets check', () => {
  it('validates each environment with every exported DTO class and prints one summary line each, no value', async () => {
    const { dir, env } = setup();
    const files = ['development', 'test', 'production'].map((e, i) =>
      write(dir, `${e}-secrets.ini`, secretsFile(10 * i), 0o600),
    );
    const result = await check(dir, env, '-e', 'development,test,production');
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      summary(files[0]!, 'development') + summary(files[1]!, 'test') + summary(files[2]!, 'production'),
    );
    expect(result.status).toBe(0);
  });

  it('files written by init --sections pass, in every environment', async () => {
    const { dir, env } = setup();
    expect((await runCli(['init', '--sections', SECTIONS], { cwd: dir, env, installed: true })).status).toBe(0);
    const result = await check(dir, env, '-e', 'development,test,production');
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(result.status).toBe(0);
  });

  it("prints the core's error report for DTO problems (exit 1): empty required value, half-configured provider, rule failures", async () => {
    const { dir, env } = setup();
    const file = write(
      dir,
      'production-secrets.ini',
      secretsFile(0, {
        [`secret = ${token(0)}`]: 'secret = too-short-for-the-rule',
        'consumer_key =': 'consumer_key = 1234567890',
        [`secret = ${token(2)}`]: 'secret =',
      }),
      0o600,
    );
    const result = await check(dir, env, '-e', 'production');
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `${file}:13 [session] secret: empty value: SessionSecrets.secret is required (mark it @IsOptional() to allow an empty value)\n` +
        `${file}:2 [authentication] secret: secret must be longer than or equal to 32 characters\n` +
        `${file}:8 [facebook] consumer_secret: consumer_secret is empty while consumer_key is set: set both, or leave both empty\n`,
    );
    expect(result.stderr).not.toContain('too-short');
    expect(result.status).toBe(1);
  });

  it('--secrets-dir and --env-prefix: validates the merged result, naming where each bad value came from', async () => {
    const { dir, env } = setup();
    const file = write(
      dir,
      'production-secrets.ini',
      secretsFile(0, { [`secret = ${token(0)}`]: 'secret = too-short-in-the-file' }),
      0o600,
    );
    const volume = path.join(dir, 'volume');
    run('mkdir', ['-p', volume]);
    write(volume, 'authentication.secret', `${token(50)}\n`, 0o600);
    write(volume, 'authomatic.secret', 'short-in-volume', 0o600);
    const result = await check(
      dir,
      { ...env, SECRETS__SESSION__SECRET: 'short-in-variable' },
      '-e',
      'production',
      '--secrets-dir',
      'volume',
      '--env-prefix',
      'SECRETS__',
    );
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `${path.join(volume, 'authomatic.secret')} [authomatic] secret: secret must be longer than or equal to 32 characters\n` +
        '[session] secret: secret must be longer than or equal to 32 characters (from variable SECRETS__SESSION__SECRET)\n',
    );
    expect(result.stderr).not.toContain('short-in');
    expect(result.status).toBe(1);
    const fixed = await check(dir, env, '-e', 'production', '--secrets-dir', 'volume');
    expect(fixed.stderr).toContain('authomatic');
    write(volume, 'authomatic.secret', token(60), 0o600);
    const clean = await check(dir, env, '-e', 'production', '--secrets-dir', 'volume');
    expect(clean.stderr).toBe('');
    expect(clean.stdout).toBe(summary(file, 'production'));
  });

  it('a provider with both keys empty, or both set, is fine in production', async () => {
    const { dir, env } = setup();
    write(
      dir,
      'production-secrets.ini',
      secretsFile(0, {
        'consumer_key =': 'consumer_key = 1234567890',
        'consumer_secret =': `consumer_secret = ${token(7)}`,
      }),
      0o600,
    );
    const result = await check(dir, env, '-e', 'production');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  describe('placeholders (outside development and test)', () => {
    const cases: [string, string][] = [
      ['CHANGEME', 'CHANGEME'],
      ['CHANGEME', 'please-changeme-0123456789012345678901234'],
      ['CHANGEME', 'Change_Me_0123456789012345678901234567890'],
      ['CHANGEME', 'change me 0123456789012345678901234567890'],
      ['TODO', 'TODO'],
      ['TODO', 'TODO: ask ops for the real one, 0123456789'],
      ['xxxx', 'sk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
      ['xxxx', 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'],
      ['<...>', '<your session secret of 32 characters or more>'],
      ['<...>', '<...>-0123456789012345678901234567890123'],
      ['example', 'example'],
      ['example', 'AKIAIOSFODNN7EXAMPLE-0123456789012345678'],
      ['example', 'https://user:pass@Example.com/0123456789'],
    ];
    for (const [rule, value] of cases) {
      it(`rule "${rule}" (case ${cases.findIndex((c) => c[1] === value)}) is an error naming the key`, async () => {
        const { dir, env } = setup();
        const file = write(
          dir,
          'production-secrets.ini',
          secretsFile(0, { [`secret = ${token(1)}`]: `secret = ${value}` }),
          0o600,
        );
        const result = await check(dir, env, '-e', 'production');
        // A value shorter than the DTO's minimum also fails the rule; only the placeholder line is asserted here.
        expect(result.stderr.split('\n')).toContain(
          `${file}:4 [authomatic] secret: value looks like a placeholder (rule "${rule}"); put the real secret in before deploying`,
        );
        // The rule's name is all that is said about the value.
        if (value !== rule) expect(result.stderr).not.toContain(value);
        expect(result.status).toBe(1);
      });
    }

    const innocent = [
      'todo-app-session-secret-0123456789012345', // lower-case todo is a word
      'MASTODON-0123456789012345678901234567890', // TODO inside a word
      'exchangemessage-0123456789012345678901234', // change…me inside a word
      'xXxXxXxX-0123456789012345678901234567890', // runs of one case only
      'xxx-XXX-0123456789012345678901234567890', // runs shorter than four
      'a < b and c > d 0123456789012345678901234', // angle brackets around spaces
      'changemes0123456789012345678901234567890x', // a letter right after "changeme"
    ];
    for (const [index, value] of innocent.entries()) {
      it(`look-alike ${index} is not a placeholder`, async () => {
        const { dir, env } = setup();
        write(dir, 'production-secrets.ini', secretsFile(0, { [`secret = ${token(1)}`]: `secret = ${value}` }), 0o600);
        const result = await check(dir, env, '-e', 'production');
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
      });
    }

    it('development and test may hold placeholders; staging may not; values from variables count', async () => {
      const { dir, env } = setup();
      const placeholder = (base: number) =>
        secretsFile(base, {
          [`secret = ${token(base + 1)}`]: 'secret = ${AUTHOMATIC_SECRET:-CHANGEME-012345678901234567890123}',
        });
      const dev = write(dir, 'development-secrets.ini', placeholder(0), 0o600);
      const test = write(dir, 'test-secrets.ini', placeholder(10), 0o600);
      const staging = write(dir, 'staging-secrets.ini', placeholder(20), 0o600);
      const result = await check(dir, env, '-e', 'development,test,staging');
      expect(result.stdout).toBe(summary(dev, 'development') + summary(test, 'test', 8, 'ok with 1 warning'));
      expect(result.stderr).toBe(
        `warning: ${test}:4 [authomatic] secret: same value as [authomatic] secret in ${dev}:4 (development); use different secrets in each environment\n` +
          `warning: ${staging}:4 [authomatic] secret: same value as [authomatic] secret in ${dev}:4 (development); use different secrets in each environment\n` +
          `${staging}:4 [authomatic] secret: value looks like a placeholder (rule "CHANGEME"); put the real secret in before deploying\n`,
      );
      expect(result.status).toBe(1);
      // With the variable set, the real value is used.
      const fixed = await check(dir, { ...env, AUTHOMATIC_SECRET: token(99) }, '-e', 'staging');
      expect(fixed.stderr).toBe('');
      expect(fixed.status).toBe(0);
    });
  });

  describe('reused values', () => {
    it('the same value in two sections is a warning naming both keys, never the value (exit 0; 1 with --strict)', async () => {
      const { dir, env } = setup();
      const shared = 'shared-secret-used-twice-0123456789abcdef';
      const file = write(
        dir,
        'production-secrets.ini',
        secretsFile(0, {
          [`secret = ${token(0)}`]: `secret = ${shared}`,
          [`secret = ${token(2)}`]: `secret = ${shared}`,
        }),
        0o600,
      );
      const warning = `${file}:13 [session] secret: same value as [authentication] secret (line 2); give each key its own secret`;
      const result = await check(dir, env, '-e', 'production');
      expect(result.stderr).toBe(`warning: ${warning}\n`);
      expect(result.stdout).toBe(summary(file, 'production', 8, 'ok with 1 warning'));
      expect(result.status).toBe(0);

      const strict = await check(dir, env, '-e', 'production', '--strict');
      expect(strict.stdout).toBe('');
      expect(strict.stderr).toBe(`${warning}\n`);
      expect(strict.status).toBe(1);
      expect(result.stdout + result.stderr + strict.stdout + strict.stderr).not.toContain(shared);
    });

    it('the same value in two environments is a warning when both are checked at once', async () => {
      const { dir, env } = setup();
      const dev = write(dir, 'development-secrets.ini', secretsFile(0), 0o600);
      const prod = write(
        dir,
        'production-secrets.ini',
        secretsFile(10, { [`secret = ${token(12)}`]: `secret = ${token(2)}` }),
        0o600,
      );
      const result = await check(dir, env, '-e', 'development,production');
      expect(result.stderr).toBe(
        `warning: ${prod}:13 [session] secret: same value as [session] secret in ${dev}:13 (development); use different secrets in each environment\n`,
      );
      expect(result.stdout).toBe(summary(dev, 'development') + summary(prod, 'production', 8, 'ok with 1 warning'));
      expect(result.status).toBe(0);
      expect(result.stderr).not.toContain(token(2));
      // One at a time, nothing to compare.
      expect((await check(dir, env, '-e', 'production')).stderr).toBe('');
    });

    it('settings marked @NotSecret, and values under 4 characters, may repeat', async () => {
      const { dir, env } = setup();
      const file = write(
        dir,
        'production-secrets.ini',
        secretsFile(0) + '[mail]\nhost = authomatic.providers.oauth2.Facebook\npassword = abc\n[extra]\nport = abc\n',
        0o600,
      );
      const result = await check(dir, env, '-e', 'production');
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(
        `${file}: ok (environment production; 7 sections: authentication, authomatic, facebook, twitter, session, mail, extra; 11 keys)\n`,
      );
    });
  });

  describe('git and file mode', () => {
    it('a plaintext file tracked by git is an error, unless .nest-secrets-allow lists it (path or glob)', async () => {
      const { dir, env } = setup({ git: true });
      const file = write(dir, 'config/production-secrets.ini', secretsFile(0), 0o600);
      run('git', ['add', 'config/production-secrets.ini'], { cwd: dir, env });
      run('git', ['commit', '-q', '-m', 'oops'], { cwd: dir, env });
      const args = ['-e', 'production', '--dir', 'config'];
      const result = await check(dir, env, ...args);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `${file}: is tracked by git in plaintext. Encrypt it (nest-secrets encrypt --environment production), ` +
          'untrack it (git rm --cached config/production-secrets.ini) and rotate its secrets, which stay in the history; ' +
          'if it holds only placeholders, list it in .nest-secrets-allow\n',
      );
      expect(result.status).toBe(1);

      for (const allow of [
        'config/production-secrets.ini\n',
        '# comment\n\n  /config/production-secrets.ini  \n',
        'config/*-secrets.ini\n',
        '**/production-secrets.ini\n',
        'config/\n',
      ]) {
        write(dir, '.nest-secrets-allow', allow);
        const allowed = await check(dir, env, ...args);
        expect(allowed.stderr).toBe('');
        expect(allowed.status).toBe(0);
      }
      for (const allow of [
        'production-secrets.ini\n',
        'config/*.age\n',
        '*/*/production-secrets.ini\n',
        '# config/\n',
      ]) {
        write(dir, '.nest-secrets-allow', allow);
        expect((await check(dir, env, ...args)).status).toBe(1);
      }
    });

    it('an untracked (ignored) plaintext file and a tracked .age file are fine', async () => {
      const { dir, env, home } = setup({ git: true });
      write(dir, '.gitignore', '*-secrets.ini\n');
      write(dir, 'development-secrets.ini', secretsFile(0), 0o600);
      const key = ageKeygen(home, 'key.txt');
      writeFileSync(path.join(dir, 'production-secrets.ini.age'), ageEncrypt([key.recipient], secretsFile(10), true));
      run('git', ['add', '.'], { cwd: dir, env });
      run('git', ['commit', '-q', '-m', 'encrypted'], { cwd: dir, env });
      const result = await check(dir, { ...env, SECRETS_AGE_KEY_FILE: key.file }, '-e', 'development,production');
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(
        summary(path.join(dir, 'development-secrets.ini'), 'development') +
          summary(path.join(dir, 'production-secrets.ini.age'), 'production'),
      );
      expect(result.status).toBe(0);
      // Without a key, the core's error.
      const noKey = await check(dir, env, '-e', 'production');
      expect(noKey.status).toBe(1);
      expect(noKey.stderr).toMatch(/^.*production-secrets\.ini\.age: .*\n$/);
    });

    it.skipIf(process.platform === 'win32')(
      'a file readable by group or others is a warning (exit 0), an error with --strict',
      async () => {
        const { dir, env } = setup();
        const file = write(dir, 'production-secrets.ini', secretsFile(0));
        chmodSync(file, 0o640);
        const warning = `${file}: is accessible by group or others (mode 0640); restrict it with \`chmod 600 ${file}\``;
        const result = await check(dir, env, '-e', 'production');
        expect(result.stderr).toBe(`warning: ${warning}\n`);
        expect(result.stdout).toBe(summary(file, 'production', 8, 'ok with 1 warning'));
        expect(result.status).toBe(0);
        const strict = await check(dir, env, '-e', 'production', '--strict');
        expect(strict.stderr).toBe(`${warning}\n`);
        expect(strict.stdout).toBe('');
        expect(strict.status).toBe(1);
        chmodSync(file, 0o600);
        expect((await check(dir, env, '-e', 'production', '--strict')).status).toBe(0);
      },
    );
  });

  it('a tracked plaintext file reached through a tracked symbolic link is PLAINTEXT_TRACKED (exit 1)', async () => {
    const { dir, env } = setup({ git: true });
    write(dir, 'prod.ini', secretsFile(0), 0o644);
    const link = path.join(dir, 'production-secrets.ini');
    symlinkSync('prod.ini', link);
    run('git', ['add', 'prod.ini', 'production-secrets.ini'], { cwd: dir, env });
    run('git', ['commit', '-q', '-m', 'oops'], { cwd: dir, env });
    const result = await check(dir, env, '-e', 'production');
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `warning: ${link}: is accessible by group or others (mode 0644); restrict it with \`chmod 600 ${link}\`\n` +
        `${link}: is tracked by git in plaintext. Encrypt it (nest-secrets encrypt --environment production), ` +
        'untrack it (git rm --cached prod.ini) and rotate its secrets, which stay in the history; ' +
        'if it holds only placeholders, list it in .nest-secrets-allow\n',
    );
    expect(result.stderr).not.toContain(token(0));
    expect(result.status).toBe(1);
  });

  it('placeholder and reused-value problems leave out a key that may be a value, naming its line', async () => {
    const { dir, env } = setup();
    const canaryKey = 'CanaryKey0123456789XyZ';
    const otherKey = 'OtherCanary9876543210AbC';
    const thirdKey = 'ThirdCanary0123456789QwE';
    const shared = 'shared-secret-used-twice-0123456789abcdef';
    const file = write(
      dir,
      'production-secrets.ini',
      secretsFile(0) +
        `[extra]\n${canaryKey} = ${shared}\n${otherKey} = CHANGEME-0123456789012345678901234567\n` +
        `password = ${shared}\n${thirdKey} = ${token(0)}\n`,
      0o600,
    );
    const result = await check(dir, env, '-e', 'production');
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `warning: ${file}:17 [extra] password: same value as the key on line 15 in [extra]; give each key its own secret\n` +
        `warning: ${file}:18 [extra]: same value as [authentication] secret (line 2); give each key its own secret\n` +
        `${file}:16 [extra]: the value of the key on line 16 looks like a placeholder (rule "CHANGEME"); put the real secret in before deploying\n`,
    );
    expect(result.status).toBe(1);
    for (const hidden of [canaryKey, otherKey, thirdKey, shared, token(0)]) expect(result.stderr).not.toContain(hidden);

    // Across environments, too.
    const dev = write(
      dir,
      'development-secrets.ini',
      secretsFile(20) + `[extra]\n${canaryKey} = ${token(30)}\n`,
      0o600,
    );
    write(dir, 'production-secrets.ini', secretsFile(0) + `[extra]\n${otherKey} = ${token(30)}\n`, 0o600);
    const across = await check(dir, env, '-e', 'development,production');
    expect(across.stderr).toBe(
      `warning: ${file}:15 [extra]: same value as the key on line 15 in [extra] of ${dev} (development); use different secrets in each environment\n`,
    );
    expect(across.status).toBe(0);
    for (const hidden of [canaryKey, otherKey, token(30)]) expect(across.stdout + across.stderr).not.toContain(hidden);
  });

  describe('the --sections module', () => {
    const notAModule = (file: string) =>
      `nest-secrets: --sections ${file}: must be a regular file ending in .js, .cjs or .mjs (the built module exporting the DTO classes)\n`;

    it('a file that is not a .js, .cjs or .mjs regular file is bad usage (exit 2), never run nor quoted', async () => {
      const { dir, env } = setup();
      write(dir, 'production-secrets.ini', secretsFile(0), 0o600);
      const canary = 'CANARY-sections-4d1e8b';
      write(dir, '.env', `API_TOKEN=${canary}\n`);
      write(dir, 'id', `AGE-SECRET-KEY-1${canary}\n`);
      write(dir, 'dir.js/index.js', `module.exports = {};\n`);
      symlinkSync('/dev/zero', path.join(dir, 'zero.js'));
      for (const name of ['.env', 'id', 'dir.js', 'zero.js', '/dev/zero']) {
        const result = await runCli(['check', '-e', 'production', '--sections', name], {
          cwd: dir,
          env,
          installed: true,
        });
        expect(result).toMatchObject({ status: 2, stdout: '', stderr: notAModule(path.resolve(dir, name)) });
        expect(result.stderr).not.toContain(canary);
      }
    });

    it('a module that throws on import is exit 1 naming only the error class and code, never its message', async () => {
      const { dir, env } = setup();
      write(dir, 'production-secrets.ini', secretsFile(0), 0o600);
      const canary = 'CANARY-import-9b2c5f';
      const cases: [string, string, string][] = [
        ['throws.js', `throw new Error('${canary}');\n`, 'Error'],
        [
          'coded.cjs',
          `const e = new TypeError('${canary}'); e.code = 'ERR_CANARY'; throw e;\n`,
          'TypeError (ERR_CANARY)',
        ],
        ['syntax.mjs', `password: ${canary} = !\n`, 'SyntaxError'],
        ['string.js', `throw '${canary}';\n`, 'string'],
        // A package name is code, not data: shown; with a hint for Nest's packages.
        [
          'nest.cjs',
          "require('@nestjs/not-installed-anywhere');\n",
          'Error (MODULE_NOT_FOUND): @nestjs/not-installed-anywhere is not installed; DTO files can import nestjs-ini-secrets/core, which needs no @nestjs/* package',
        ],
        [
          'esm.mjs',
          "import 'not-installed-anywhere';\n",
          'Error (ERR_MODULE_NOT_FOUND): not-installed-anywhere is not installed',
        ],
        // A specifier that is not a package name could be anything: not shown.
        ['odd.cjs', `require('${canary} x');\n`, 'Error (MODULE_NOT_FOUND)'],
      ];
      for (const [name, source, described] of cases) {
        const file = write(dir, name, source);
        const result = await runCli(['check', '-e', 'production', '--sections', name], {
          cwd: dir,
          env,
          installed: true,
        });
        expect(result).toMatchObject({
          status: 1,
          stdout: '',
          stderr: `nest-secrets: cannot import the --sections module ${file}: ${described}\n`,
        });
      }
    });

    it('an ES module works too', async () => {
      const { dir, env } = setup();
      const file = write(dir, 'production-secrets.ini', secretsFile(0), 0o600);
      const result = await runCli(['check', '-e', 'production', '--sections', ESM_SECTIONS], {
        cwd: dir,
        env,
        installed: true,
      });
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(summary(file, 'production'));
    });

    it('is resolved against the working directory', async () => {
      const { dir, env } = setup();
      write(dir, 'production-secrets.ini', secretsFile(0), 0o600);
      const relative = path.relative(dir, SECTIONS);
      expect(
        (await runCli(['check', '-e', 'production', '--sections', relative], { cwd: dir, env, installed: true }))
          .status,
      ).toBe(0);
    });

    it('a module without @SecretsSection classes, a missing module, or no --sections is bad usage (exit 2)', async () => {
      const { dir, env } = setup();
      write(dir, 'production-secrets.ini', secretsFile(0), 0o600);
      const none = await runCli(['check', '-e', 'production', '--sections', NO_SECTIONS], {
        cwd: dir,
        env,
        installed: true,
      });
      expect(none.stderr).toBe(
        `nest-secrets: ${NO_SECTIONS} exports no class decorated with @SecretsSection (export the DTO classes themselves; a class decorated by an older copy of nestjs-ini-secrets is recorded where this command cannot see it).\n`,
      );
      expect(none.status).toBe(2);
      const missing = await runCli(['check', '-e', 'production', '--sections', 'nope.js'], {
        cwd: dir,
        env,
        installed: true,
      });
      expect(missing.stderr).toBe(
        `nest-secrets: --sections ${path.join(dir, 'nope.js')}: not found; build the app first ` +
          '(--sections names the built module exporting the DTO classes, e.g. dist/secrets.js)\n',
      );
      expect(missing.status).toBe(2);
      const without = await runCli(['check', '-e', 'production'], { cwd: dir, env, installed: true });
      expect(without.stderr).toBe("error: required option '--sections <module>' not specified\n");
      expect(without.status).toBe(2);
    });
  });

  it('a missing file is the core FILE_NOT_FOUND; SECRETS_FILE is not consulted (--environment and --dir name the file)', async () => {
    const { dir, env } = setup();
    const other = write(dir, 'other.ini', secretsFile(0), 0o600);
    const result = await check(dir, { ...env, SECRETS_FILE: other }, '-e', 'production');
    expect(result.stderr).toBe(
      `${path.join(dir, 'production-secrets.ini')}: secrets file not found, nor ${path.join(dir, 'production-secrets.ini.age')} (environment "production" set by the environment option; file derived from the environment name)\n`,
    );
    expect(result.status).toBe(1);
  });
});

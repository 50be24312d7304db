/**
 * Attacks on the #14 CLI features (exec --env, check/keys --json, hooks,
 * init --sections, the editor command): each test is a defect found and fixed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../lib/cli/json-report';
import { CLI, cleanEnv, gitInit, run, runCli, runCliProcess, tempDir, write } from './helpers/cli';

/** Prints, for each name given, its own value in the child's environment as JSON, or null. */
const PRINT_VARIABLES = `for (const n of JSON.parse(process.argv[1])) console.log(n, JSON.stringify(Object.getOwnPropertyDescriptor(process.env, n)?.value ?? null));`;

describe('exec --env: names a plain object would swallow', () => {
  it('--env __proto__=db.url sets the variable __proto__, as any other name', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'project');
    write(dir, 'production-secrets.ini', '[db]\nurl = url-value-1\n', 0o600);
    const result = await runCli(
      [
        'exec',
        '-e',
        'production',
        '--env',
        '__proto__=db.url',
        '--',
        process.execPath,
        '-e',
        PRINT_VARIABLES,
        '["__proto__"]',
      ],
      { cwd: dir, env: cleanEnv(home) },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('__proto__ "url-value-1"\n');
    expect(result.status).toBe(0);
  });
});

describe('exec --env: a section whose name holds a space', () => {
  it('--env APP_URL="my app.url" reads [my app] url, as the file names it', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'project');
    write(dir, 'production-secrets.ini', '[my app]\nurl = url-value-1\n', 0o600);
    const result = await runCli(
      [
        'exec',
        '-e',
        'production',
        '--env',
        'APP_URL=my app.url',
        '--',
        process.execPath,
        '-e',
        PRINT_VARIABLES,
        '["APP_URL"]',
      ],
      { cwd: dir, env: cleanEnv(home) },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('APP_URL "url-value-1"\n');
    expect(result.status).toBe(0);
  });
});

describe('check --json: stdout is the one document', () => {
  // A real process: only there does the module's console.log reach the stdout that the document is printed on.
  it('a --sections module that logs on import (dotenv 17, a logger) writes to stderr, not into the document', () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'project');
    write(dir, 'staging-secrets.ini', '[authentication]\nsecret = short\n', 0o600);
    const module = write(
      dir,
      'secrets.js',
      "console.log('[dotenv@17.2.3] injecting env (1) from .env');\n" +
        "process.stdout.write('a logger line\\n');\n" +
        `module.exports = require(${JSON.stringify(path.resolve('test/fixtures/check/sections.js'))});\n`,
      0o644,
    );
    const result = runCliProcess(['check', '-e', 'staging', '--sections', module, '--json'], {
      cwd: dir,
      env: cleanEnv(home),
    });
    expect(result.stderr).toBe('[dotenv@17.2.3] injecting env (1) from .env\na logger line\n');
    expect(result.stdout.endsWith('}\n')).toBe(true);
    expect(result.stdout.slice(0, -1)).not.toContain('\n');
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(report.environments.map((e) => e.problems.map((p) => p.code))).toEqual([
      ['MISSING_SECTION', 'MISSING_SECTION', 'MISSING_SECTION', 'MISSING_SECTION', 'VALIDATION'],
    ]);
    expect(result.status).toBe(1);
  });
});

describe('.nest-secrets-allow: case-sensitive, as git on Linux', () => {
  it('listing sample/production-secrets.ini does not let Sample/production-secrets.ini through the hook', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'repo');
    const env = cleanEnv(home);
    gitInit(dir, env);
    write(dir, '.nest-secrets-allow', 'sample/production-secrets.ini\n', 0o644);
    write(path.join(dir, 'sample'), 'production-secrets.ini', '[db]\npassword = CHANGEME\n', 0o600);
    write(path.join(dir, 'Sample'), 'production-secrets.ini', '[db]\npassword = real-password-1\n', 0o600);
    run('git', ['add', '-f', '.'], { cwd: dir, env });
    const result = await runCli(['hook', 'run'], { cwd: dir, env });
    expect(result.stderr).toBe(
      'nest-secrets: refusing to commit plaintext secrets:\n' +
        '  Sample/production-secrets.ini: encrypt it (nest-secrets encrypt --environment production --dir Sample), ' +
        'stage the .age file, and unstage this one (git rm --cached Sample/production-secrets.ini)\n' +
        'A file that holds only placeholders may be listed in .nest-secrets-allow.\n',
    );
    expect(result.status).toBe(1);
  });
});

describe("hook install in husky: the line goes after the #! line, in the file's own line endings", () => {
  /** A git repository with a `.husky` directory (husky 9 before `husky` ran) and its `.husky/pre-commit` path. */
  function huskyRepository(): { dir: string; env: Record<string, string>; file: string } {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'repo');
    const env = cleanEnv(home);
    gitInit(dir, env);
    mkdirSync(path.join(dir, '.husky'));
    return { dir, env, file: path.join(dir, '.husky', 'pre-commit') };
  }
  // husky 9's line (no npx: its hooks have node_modules/.bin on PATH); no core.hooksPath yet, as in a fresh clone.
  const LINE = 'nest-secrets hook run';
  const ADDED =
    `Added \`${LINE}\` to .husky/pre-commit (husky): commits that stage a plaintext *-secrets.ini are refused ` +
    '(list placeholder-only files in .nest-secrets-allow). Commit .husky/pre-commit so that every clone runs it. ' +
    "husky isn't active in this clone yet (git's core.hooksPath is not set, so git runs no hook of .husky): " +
    'run `npm install`, whose `prepare` script runs husky, or `npx husky`.\n';

  it.each([
    ['a #! line without a line break', '#!/usr/bin/env sh', `#!/usr/bin/env sh\n${LINE}\n`],
    ['CRLF lines', '#!/usr/bin/env sh\r\nnpm test\r\n', `#!/usr/bin/env sh\r\n${LINE}\r\nnpm test\r\n`],
    ['a byte order mark', '\uFEFF#!/bin/sh\nnpm test\n', `\uFEFF#!/bin/sh\n${LINE}\nnpm test\n`],
  ])('%s', async (_, before, after) => {
    const { dir, env, file } = huskyRepository();
    write(path.dirname(file), 'pre-commit', before, 0o755);
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result).toEqual({ status: 0, signal: null, stdout: ADDED, stderr: '' });
    expect(readFileSync(file, 'utf8')).toBe(after);
  });

  it('.husky/pre-commit that is a directory: named, not "read  failed: EISDIR"', async () => {
    const { dir, env, file } = huskyRepository();
    mkdirSync(file);
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr:
        'nest-secrets: .husky/pre-commit (husky) is not a regular file; it is left as it is. Make it the hook script.\n',
    });
  });
});

describe('init --sections: a key no "key = value" line reads back', () => {
  /** A built module: class `ApiSecrets`, section `api`, one required string property per key, read under that key by `@Expose({ name })`. */
  function moduleWithKeys(dir: string, keys: readonly string[]): string {
    const from = (name: string) => JSON.stringify(path.resolve(name));
    return write(
      dir,
      'secrets.js',
      `require(${from('node_modules/reflect-metadata')});\n` +
        `const v = require(${from('node_modules/class-validator')});\n` +
        `const t = require(${from('node_modules/class-transformer')});\n` +
        `const { SecretsSection } = require(${from('dist')});\n` +
        'class ApiSecrets {}\n' +
        `${JSON.stringify(keys)}.forEach((name, i) => Reflect.decorate([v.IsString(), v.IsNotEmpty(), ` +
        "t.Expose({ name }), Reflect.metadata('design:type', String)], ApiSecrets.prototype, 'key' + i, undefined));\n" +
        "Reflect.decorate([SecretsSection('api')], ApiSecrets);\n" +
        'exports.ApiSecrets = ApiSecrets;\n',
      0o644,
    );
  }

  it('"#token" and "a=b" are refused by name before any file is written (the file would never pass check)', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'project');
    const module = moduleWithKeys(dir, ['#token', 'a=b', 'fine']);
    const result = await runCli(['init', '-e', 'production', '--sections', module], {
      cwd: dir,
      env: cleanEnv(home),
      installed: true,
    });
    const why =
      'cannot be written in a secrets file: a "key = value" line would not read back as that key (a key starting ' +
      'with "#" or ";" is a comment, "=" ends it, spaces around it are dropped); read another key with @Expose({ name })';
    expect(result.stderr).toBe(
      `[api]: key "#token" (property key0 of ApiSecrets) ${why}\n[api]: key "a=b" (property key1 of ApiSecrets) ${why}\n`,
    );
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
    expect(existsSync(path.join(dir, 'production-secrets.ini'))).toBe(false);
  });
});

describe('hook run: names in another case', () => {
  it('refuses a staged Production-Secrets.INI (what the app reads on macOS and Windows) and an x-secrets.ini.BAK', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'repo');
    const env = cleanEnv(home);
    gitInit(dir, env);
    write(path.join(dir, 'config'), 'Production-Secrets.INI', '[db]\npassword = real-password-1\n', 0o600);
    write(dir, 'x-secrets.ini.BAK', '[db]\npassword = real-password-2\n', 0o600);
    run('git', ['add', '-f', '.'], { cwd: dir, env });
    const result = await runCli(['hook', 'run'], { cwd: dir, env });
    expect(result.stderr).toBe(
      'nest-secrets: refusing to commit plaintext secrets:\n' +
        '  config/Production-Secrets.INI: encrypt it (nest-secrets encrypt --environment Production --dir config), ' +
        'stage the .age file, and unstage this one (git rm --cached config/Production-Secrets.INI)\n' +
        "  x-secrets.ini.BAK: an editor's backup or swap file of a secrets file, holding the same secrets; " +
        'unstage it (git rm --cached x-secrets.ini.BAK) and delete it\n' +
        'A file that holds only placeholders may be listed in .nest-secrets-allow.\n',
    );
    expect(result.status).toBe(1);
  });
});

describe('hook install in lefthook: aliases and merge keys', () => {
  it.each([
    [
      'pre-commit merging its commands from an anchor',
      'base: &base\n  commands:\n    lint:\n      run: npm run lint\npre-commit:\n  <<: *base\n',
    ],
    [
      "pre-push aliasing pre-commit's commands",
      'pre-commit:\n  commands: &checks\n    lint:\n      run: npm run lint\npre-push:\n  commands: *checks\n',
    ],
  ])(
    '%s: left alone (an added commands would hide lint, or run the check on push too); the snippet is printed',
    async (_, config) => {
      const home = tempDir('nis-atk14-');
      const dir = path.join(home, 'repo');
      const env = cleanEnv(home);
      gitInit(dir, env);
      write(dir, 'lefthook.yml', config, 0o644);
      const result = await runCli(['hook', 'install'], { cwd: dir, env });
      expect(result.stderr).toBe(
        'nest-secrets: lefthook.yml (lefthook) is left as it is: it cannot be edited without changing its other lines ' +
          '(YAML that the printer does not reproduce byte for byte, aliases or merge keys (lefthook resolves them, ' +
          'so an added entry could hide or duplicate commands), a pre-commit entry of another shape, ' +
          'or a nest-secrets entry that runs something else). ' +
          'Under its existing `pre-commit:` → `commands:` (add `commands:` if it has none), add this, ' +
          'then run `nest-secrets hook install` again to confirm:\n' +
          'nest-secrets:\n  run: npx --no-install nest-secrets hook run\n',
      );
      expect(result.stdout).toBe('');
      expect(result.status).toBe(1);
      expect(readFileSync(path.join(dir, 'lefthook.yml'), 'utf8')).toBe(config);
    },
  );
});

describe('--sections modules that keep the process running', () => {
  /**
   * `nest-secrets …args` as the process users run (only a process shows
   * whether it ends), killed after 20 s: a run that never ends has status null.
   */
  function runBounded(args: readonly string[], cwd: string, env: Record<string, string>) {
    const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8', timeout: 20_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }
  /** A module re-exporting the check fixture's DTOs that keeps a timer running (an app module connecting on load) and logs after the report. */
  const KEEPS_RUNNING =
    "setInterval(() => undefined, 1000);\nsetTimeout(() => console.log('a late line'), 300);\n" +
    `module.exports = require(${JSON.stringify(path.resolve('test/fixtures/check/sections.js'))});\n`;

  it('check --json ends (exit 1), its document alone on stdout, the late line on stderr', () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'project');
    write(dir, 'staging-secrets.ini', '[authentication]\nsecret = short\n', 0o600);
    const module = write(dir, 'secrets.js', KEEPS_RUNNING, 0o644);
    const result = runBounded(['check', '-e', 'staging', '--sections', module, '--json'], dir, cleanEnv(home));
    expect(result.stderr).toBe('a late line\n');
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(result.stdout).toBe(`${JSON.stringify(report)}\n`);
    expect(report.ok).toBe(false);
    expect(result.status).toBe(1);
  });

  it('a module whose top-level await never settles: exit 1 and why, not exit 0 with nothing checked', () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'project');
    write(dir, 'staging-secrets.ini', '[authentication]\nsecret = short\n', 0o600);
    const module = write(dir, 'secrets.mjs', 'await new Promise(() => {});\nexport const x = 1;\n', 0o644);
    const result = runBounded(['check', '-e', 'staging', '--sections', module, '--json'], dir, cleanEnv(home));
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: `nest-secrets: cannot import the --sections module ${module}: its top-level await never settles\n`,
    });
  });

  it('an async rule that never settles: exit 1 and why, not exit 0 with nothing checked', () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'project');
    write(dir, 'staging-secrets.ini', '[authentication]\nsecret = short\n', 0o600);
    const from = (name: string) => JSON.stringify(path.resolve(name));
    const module = write(
      dir,
      'secrets.js',
      `require(${from('node_modules/reflect-metadata')});\n` +
        `const v = require(${from('node_modules/class-validator')});\n` +
        `const { SecretsSection } = require(${from('dist')});\n` +
        'class AuthenticationSecrets {}\n' +
        "Reflect.decorate([v.ValidateBy({ name: 'stalls', async: true, validator: { validate: () => new Promise(() => {}) } }), " +
        "Reflect.metadata('design:type', String)], AuthenticationSecrets.prototype, 'secret', undefined);\n" +
        "Reflect.decorate([SecretsSection('authentication')], AuthenticationSecrets);\n" +
        'exports.AuthenticationSecrets = AuthenticationSecrets;\n',
      0o644,
    );
    const result = runBounded(['check', '-e', 'staging', '--sections', module, '--json'], dir, cleanEnv(home));
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'nest-secrets: check: a rule of the --sections module never settles (an async validator whose promise never resolves)\n',
    });
  });

  it('init --sections ends (exit 0)', () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'project');
    const module = write(dir, 'secrets.js', KEEPS_RUNNING, 0o644);
    const result = runBounded(['init', '-e', 'staging', '--sections', module], dir, cleanEnv(home));
    // The module's timer prints to stdout too (no --json) at a moment that depends on the machine's speed.
    expect(result.stdout.split('\n').filter((line) => line !== 'a late line')[0]).toBe(
      `Wrote ${path.join(dir, 'staging-secrets.ini')} (mode 0600, 3 random tokens).`,
    );
    expect(result.status).toBe(0);
  });
});

describe('hook install in lefthook: a file with CRLF lines', () => {
  it('is edited, keeping CRLF (core.autocrlf on Windows), not refused', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'repo');
    const env = cleanEnv(home);
    gitInit(dir, env);
    write(dir, 'lefthook.yml', 'pre-commit:\r\n  commands:\r\n    lint:\r\n      run: npm run lint\r\n', 0o644);
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readFileSync(path.join(dir, 'lefthook.yml'), 'utf8')).toBe(
      'pre-commit:\r\n  commands:\r\n    lint:\r\n      run: npm run lint\r\n' +
        '    nest-secrets:\r\n      run: npx --no-install nest-secrets hook run\r\n',
    );
  });
});

describe('hook install never writes through a symbolic link (it may lead out of the work tree)', () => {
  it('.husky/pre-commit linking to a file outside: refused, that file unchanged', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'repo');
    const env = cleanEnv(home);
    gitInit(dir, env);
    mkdirSync(path.join(dir, '.husky'));
    const outside = write(home, '.profile', 'export A=1\n', 0o644);
    symlinkSync('../../.profile', path.join(dir, '.husky', 'pre-commit'));
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr:
        'nest-secrets: .husky/pre-commit (husky) is not a regular file; it is left as it is. Make it the hook script.\n',
    });
    expect(readFileSync(outside, 'utf8')).toBe('export A=1\n');
  });

  it('.husky/pre-commit linking nowhere yet: refused, nothing created where it leads', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'repo');
    const env = cleanEnv(home);
    gitInit(dir, env);
    mkdirSync(path.join(dir, '.husky'));
    symlinkSync('../../planted', path.join(dir, '.husky', 'pre-commit'));
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr:
        'nest-secrets: .husky/pre-commit (husky) is not a regular file; it is left as it is. Make it the hook script.\n',
    });
    expect(existsSync(path.join(home, 'planted'))).toBe(false);
  });

  it('.husky itself linking to a directory outside: refused, nothing written there', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'repo');
    const env = cleanEnv(home);
    gitInit(dir, env);
    mkdirSync(path.join(home, 'elsewhere'));
    symlinkSync('../elsewhere', path.join(dir, '.husky'));
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr:
        'nest-secrets: .husky/pre-commit (husky) leads out of the work tree through a symbolic link; it is left as it is.\n',
    });
    expect(existsSync(path.join(home, 'elsewhere', 'pre-commit'))).toBe(false);
  });

  it('lefthook.yml linking to a YAML file outside: refused with the snippet, that file unchanged', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'repo');
    const env = cleanEnv(home);
    gitInit(dir, env);
    const outside = write(home, 'config.yml', 'name: app\n', 0o644);
    symlinkSync('../config.yml', path.join(dir, 'lefthook.yml'));
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr:
        'nest-secrets: lefthook.yml (lefthook) is a symbolic link; it is left as it is. Add this to the file it leads to:\n' +
        'pre-commit:\n  commands:\n    nest-secrets:\n      run: npx --no-install nest-secrets hook run\n',
    });
    expect(readFileSync(outside, 'utf8')).toBe('name: app\n');
  });
});

describe('init never appends to a .gitignore that is a symbolic link (git does not read it)', () => {
  it('refused before any file is written; the file it leads to unchanged', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'repo');
    const env = cleanEnv(home);
    gitInit(dir, env);
    const outside = write(home, 'shared-ignore', 'node_modules\n', 0o644);
    symlinkSync('../shared-ignore', path.join(dir, '.gitignore'));
    const result = await runCli(['init', '-e', 'staging'], { cwd: dir, env });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr:
        `nest-secrets: ${path.join(dir, '.gitignore')} is a symbolic link, which git does not read; it is left as it is. ` +
        'Make it a regular file, then run the command again.\n',
    });
    expect(readFileSync(outside, 'utf8')).toBe('node_modules\n');
    expect(existsSync(path.join(dir, 'staging-secrets.ini'))).toBe(false);
  });
});

describe('hook run with a .nest-secrets-allow that is a directory', () => {
  it('names the file, not "read  failed: EISDIR"', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'repo');
    const env = cleanEnv(home);
    gitInit(dir, env);
    mkdirSync(path.join(dir, '.nest-secrets-allow'));
    const result = await runCli(['hook', 'run'], { cwd: dir, env });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: `nest-secrets: ${path.join(dir, '.nest-secrets-allow')} is a directory; the allow list is a file of patterns.\n`,
    });
  });
});

describe('hook install in husky 5 to 8 (core.hooksPath is .husky itself)', () => {
  it('adds the portable line to the committed .husky/pre-commit after husky.sh, no absolute path', async () => {
    const home = tempDir('nis-atk14-');
    const dir = path.join(home, 'repo');
    const env = cleanEnv(home);
    gitInit(dir, env);
    run('git', ['config', 'core.hooksPath', '.husky'], { cwd: dir, env });
    const file = write(
      path.join(dir, '.husky'),
      'pre-commit',
      '#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\nnpm test\n',
      0o755,
    );
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result).toEqual({
      status: 0,
      signal: null,
      stdout:
        'Added `npx --no-install nest-secrets hook run` to .husky/pre-commit (husky): commits that stage a plaintext ' +
        '*-secrets.ini are refused (list placeholder-only files in .nest-secrets-allow). Commit .husky/pre-commit so ' +
        'that every clone runs it.\n',
      stderr: '',
    });
    expect(readFileSync(file, 'utf8')).toBe(
      '#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\nnpx --no-install nest-secrets hook run\n\nnpm test\n',
    );
  });
});

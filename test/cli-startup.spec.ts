import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_FILES, commandsFor } from '../lib/cli/main';
import { cleanEnv, gitInit, project, runCli, runCliProcess, tempDir, testContext } from './helpers/cli';

/**
 * The packages that start-up must not load for the commands run most often
 * (`exec` wraps every deployment command, `hook run` every commit): the
 * validation libraries, the age library, Nest and rxjs.
 */
const FORBIDDEN = ['@nestjs/common', '@nestjs/core', 'age-encryption', 'class-transformer', 'class-validator', 'rxjs'];

/**
 * A preload (`--import`) recording every package a process loads: CommonJS
 * ones from the require cache at exit, ES-module ones (age-encryption) from a
 * resolve hook. Written one per line to `$OBSERVED_MODULES`.
 */
const OBSERVER = `
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const out = process.env.OBSERVED_MODULES;
register('data:text/javascript,' + encodeURIComponent(\`
  import { appendFileSync } from 'node:fs';
  export async function resolve(specifier, context, next) {
    const resolved = await next(specifier, context);
    appendFileSync(\${JSON.stringify(out)}, resolved.url + '\\\\n');
    return resolved;
  }\`));
process.on('exit', () => appendFileSync(out, Object.keys(createRequire(import.meta.url).cache).join('\\n') + '\\n'));
`;

/**
 * Runs the built CLI with the observer; the packages its process loaded and
 * this package's own files (relative to dist/), sorted.
 */
function packagesLoaded(
  dir: string,
  args: string[],
): { status: number | null; stderr: string; packages: string[]; files: string[] } {
  const observer = path.join(dir, '..', `observer-${path.basename(dir)}.mjs`);
  const observed = path.join(dir, '..', `observed-${path.basename(dir)}.txt`);
  writeFileSync(observer, OBSERVER);
  writeFileSync(observed, '');
  const { status, stderr } = runCliProcess(args, {
    cwd: dir,
    env: cleanEnv(dir, { NODE_OPTIONS: `--import=${observer}`, OBSERVED_MODULES: observed }),
  });
  const packages = new Set<string>();
  const files = new Set<string>();
  const dist = path.resolve('dist') + path.sep;
  for (const line of readFileSync(observed, 'utf8').split('\n')) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(line);
    if (match) packages.add(match[1]!);
    else if (line.startsWith(dist)) files.add(line.slice(dist.length));
  }
  return { status, stderr, packages: [...packages].sort(), files: [...files].sort() };
}

// Processes of their own: what matters is which modules a fresh `nest-secrets` process loads.
describe('start-up: each command loads only what it uses', () => {
  const INI = '[smtp]\nhost = smtp.example.com\npassword = ${SMTP_PASSWORD:-development-only}\n';

  function app(): string {
    const dir = path.join(tempDir('nis-startup-'), 'app');
    gitInit(dir, cleanEnv(dir));
    writeFileSync(path.join(dir, 'development-secrets.ini'), INI, { mode: 0o600 });
    return dir;
  }

  it.each([
    ['exec -- true', ['exec', '-e', 'development', '--', 'true']],
    ['keys', ['keys', '-e', 'development']],
    ['hook run', ['hook', 'run']],
    ['--help', ['--help']],
  ])('%s loads none of class-validator, class-transformer, age-encryption, @nestjs/*, rxjs', (_name, args) => {
    const { status, stderr, packages } = packagesLoaded(app(), args);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(packages.filter((name) => FORBIDDEN.includes(name))).toEqual([]);
    // The observer sees packages at all: commander is always there.
    expect(packages).toContain('commander');
  });

  it('check with a DTO file importing /core loads class-validator and class-transformer, and no Nest', () => {
    const dir = app();
    // A built DTO file as tsc writes it, importing the package's loader-only entry.
    const dto = `
      const { IsString } = require(${JSON.stringify(path.resolve('node_modules/class-validator'))});
      const { SecretsSection } = require(${JSON.stringify(path.resolve('dist/core.js'))});
      class SmtpSecrets {}
      for (const key of ['host', 'password']) {
        IsString()(SmtpSecrets.prototype, key);
        Reflect.defineMetadata('design:type', String, SmtpSecrets.prototype, key);
      }
      exports.SmtpSecrets = SecretsSection('smtp')(SmtpSecrets) ?? SmtpSecrets;`;
    writeFileSync(path.join(dir, 'secrets.js'), dto);
    const { status, stderr, packages } = packagesLoaded(dir, [
      'check',
      '-e',
      'development',
      '--sections',
      'secrets.js',
    ]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(packages.filter((name) => FORBIDDEN.includes(name))).toEqual(['class-transformer', 'class-validator']);
    // Exactly: class-validator's own dependencies (libphonenumber-js, validator) come with it.
    expect(packages).toEqual([
      'class-transformer',
      'class-validator',
      'commander',
      'libphonenumber-js',
      'reflect-metadata',
      'validator',
    ]);
  });

  it('keygen, which needs age, loads age-encryption (an ES module: seen through the resolve hook)', () => {
    const dir = app();
    const { status, packages } = packagesLoaded(dir, ['keygen', '--out', path.join(dir, 'key.txt')]);
    expect(status).toBe(0);
    expect(packages.filter((name) => FORBIDDEN.includes(name))).toEqual(['age-encryption']);
  });
});

describe('start-up: exactly what each command loads', () => {
  // Spawning goes through cross-spawn (and its dependencies) only on Windows.
  const EXEC_PACKAGES =
    process.platform === 'win32'
      ? ['commander', 'cross-spawn', 'isexe', 'path-key', 'shebang-command', 'shebang-regex', 'which']
      : ['commander'];
  const INI = '[smtp]\nhost = smtp.example.com\npassword = ${SMTP_PASSWORD:-development-only}\n';

  function app(): string {
    const dir = path.join(tempDir('nis-startup-'), 'app');
    gitInit(dir, cleanEnv(dir));
    writeFileSync(path.join(dir, 'development-secrets.ini'), INI, { mode: 0o600 });
    return dir;
  }

  it.each([
    ['exec -- true', ['exec', '-e', 'development', '--', 'true'], EXEC_PACKAGES],
    ['exec --mask -- true', ['exec', '-e', 'development', '--mask', '--', 'true'], EXEC_PACKAGES],
    ['keys', ['keys', '-e', 'development'], ['commander']],
    // Nothing staged: the allow list's matcher (ignore) is never asked.
    ['hook run', ['hook', 'run'], ['commander']],
    ['--help', ['--help'], ['commander']],
    ['--version', ['--version'], ['commander']],
  ])('%s loads exactly these packages', (_name, args, expected) => {
    const { status, stderr, packages } = packagesLoaded(app(), args);
    expect({ status, stderr, packages }).toEqual({ status: 0, stderr: '', packages: expected });
  });

  it('--version and --help load no command file: only main, its context, errors and the lazy loader', () => {
    const dir = app();
    const expected = ['cli/context.js', 'cli/main.js', 'errors.js', 'files/crash-before-rename.js', 'load-lazily.js'];
    expect(packagesLoaded(dir, ['--version']).files).toEqual(expected);
    expect(packagesLoaded(dir, ['--help']).files).toEqual(expected);
  });

  it('exec loads the masker only with --mask, the watcher only with --watch, and never the DTO decorators', () => {
    const dir = app();
    const own = (args: string[]) =>
      packagesLoaded(dir, ['exec', '-e', 'development', ...args, '--', 'true']).files.filter((file) =>
        /^(mask|dto)\/|^sources\/(watch|changed)/.test(file),
      );
    // suggest: "did you mean" for an env-override variable naming no key.
    expect(own([])).toEqual(['dto/suggest.js']);
    expect(own(['--mask'])).toEqual(['dto/redacted.js', 'dto/suggest.js', 'mask/masker.js']);
    expect(own(['--watch'])).toEqual([
      'dto/suggest.js',
      'sources/changed-sections.js',
      'sources/watch-targets.js',
      'sources/watch.js',
    ]);
  });

  it.each([
    ['exec -- true', ['exec', '-e', 'development', '--', 'true']],
    ['keys', ['keys', '-e', 'development']],
  ])('%s on a plaintext file loads no file of lib/age nor sources/decrypt', (_name, args) => {
    const { status, files } = packagesLoaded(app(), args);
    expect({ status, age: files.filter((file) => /^age\/|^sources\/decrypt/.test(file)) }).toEqual({
      status: 0,
      age: [],
    });
    // The filter sees this package's files at all.
    expect(files).toContain('sources/read.js');
  });

  it('hook run, nothing staged, loads exactly these files of the package: none of hook install nor of the loader', () => {
    expect(packagesLoaded(app(), ['hook', 'run']).files).toEqual([
      'cli/allow-list.js',
      'cli/context.js',
      'cli/environments.js',
      'cli/file-names.js',
      'cli/git.js',
      'cli/hook-run.js',
      'cli/hook.js',
      'cli/main.js',
      'cli/options.js',
      'cli/shell.js',
      'environment-variables.js',
      'errors.js',
      'files/crash-before-rename.js',
      'load-lazily.js',
      'sources/locate.js',
    ]);
  });

  it('hook run loads ignore (the allow list) once a staged file is a secrets file', () => {
    const dir = app();
    execFileSync('git', ['add', '-f', 'development-secrets.ini'], { cwd: dir, env: cleanEnv(dir) });
    const { status, stderr, packages } = packagesLoaded(dir, ['hook', 'run']);
    expect({ status, packages }).toEqual({ status: 1, packages: ['commander', 'ignore'] });
    expect(stderr.split('\n')[0]).toBe('nest-secrets: refusing to commit plaintext secrets:');
  });
});

describe('start-up: the overall help from stubs', () => {
  /** The overall help with the command files `loaded` and stubs for the others. */
  async function overallHelp(loaded: readonly string[]): Promise<string> {
    const { ctx } = testContext({ cwd: process.cwd(), env: {} });
    return (await buildProgram(ctx, loaded)).helpInformation();
  }

  it('--help, from stubs alone, prints exactly the help built with every command file loaded', async () => {
    const { dir, env } = project();
    const result = await runCli(['--help'], { cwd: dir, env });
    expect(result).toMatchObject({ status: 0, stderr: '', stdout: await overallHelp(COMMAND_FILES) });
    // The comparison is not between two empty texts.
    expect(result.stdout).toMatch(/^ {2}exec \[options\] <command> \[args\.\.\.\] +run a command with the secrets/m);
  });

  it.each([
    ['exec', ['exec']],
    ['diff-driver', ['diff-driver', 'textconv']],
    ['hook', ['hook']],
  ])('with the command file %s loaded, the program has only its commands (no stubs)', async (file, expected) => {
    const { ctx } = testContext({ cwd: process.cwd(), env: {} });
    expect((await buildProgram(ctx, [file])).commands.map((command) => command.name())).toEqual(expected);
  });

  it.each([
    [['--version'], []],
    [['--help'], []],
    [[], []],
    [['help'], []],
    [['exek'], []],
    [['exec', '-e', 'development', '--', 'true'], ['exec']],
    [['help', 'hook'], ['hook']],
    [['textconv', 'development-secrets.ini'], ['diff-driver']],
    [['-V', 'exec'], []],
  ])('nest-secrets %j loads the command files %j', (args, expected) => {
    expect(commandsFor(args)).toEqual(expected);
  });
});

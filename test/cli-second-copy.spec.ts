/**
 * A `nest-secrets` from another installation of the package (a global
 * install, a sibling package's copy in a monorepo) reads the DTOs that the
 * app's copy decorated: the metadata keys are registered symbols.
 */
import { cpSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { main as Main } from '../lib/cli/main';
import { cleanEnv, testContext, tempDir, write } from './helpers/cli';

/** The app's copy of the package: the built dist/ of this repository. */
const FIRST_COPY = path.resolve('dist');

/**
 * A project whose `node_modules/nestjs-ini-secrets` is a second copy of the
 * built package (dist/ and package.json copied, not linked: another module
 * instance with its own module-level state), beside this repository's
 * dependencies (linked). Its `secrets.js` decorates its DTOs with the FIRST copy.
 */
function secondCopyProject(): { dir: string; env: Record<string, string>; main: typeof Main; sections: string } {
  const home = tempDir('nis-second-copy-');
  const dir = path.join(home, 'project');
  const modules = path.join(dir, 'node_modules');
  const copy = path.join(modules, 'nestjs-ini-secrets');
  mkdirSync(copy, { recursive: true });
  cpSync(FIRST_COPY, path.join(copy, 'dist'), { recursive: true });
  cpSync(path.resolve('package.json'), path.join(copy, 'package.json'));
  for (const name of readdirSync(path.resolve('node_modules'))) {
    if (name.startsWith('.')) continue;
    symlinkSync(path.resolve('node_modules', name), path.join(modules, name));
  }
  const sections = write(
    dir,
    'secrets.js',
    `'use strict';
require('reflect-metadata');
const { IsString, MinLength } = require('class-validator');
const { NotSecret, SecretsSection } = require(${JSON.stringify(FIRST_COPY)});
class SessionSecrets {}
Reflect.decorate([IsString(), MinLength(32), Reflect.metadata('design:type', String)], SessionSecrets.prototype, 'secret', undefined);
Reflect.decorate([NotSecret(), IsString(), Reflect.metadata('design:type', String)], SessionSecrets.prototype, 'cookie_name', undefined);
Reflect.decorate([SecretsSection('session')], SessionSecrets);
module.exports = { SessionSecrets };
`,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { main } = require(path.join(copy, 'dist/cli/main.js')) as { main: typeof Main };
  return { dir, env: cleanEnv(home), main, sections };
}

async function runWith(
  main: typeof Main,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string> },
) {
  const { ctx, output } = testContext(options);
  const status = await main(['node', 'nest-secrets', ...args], ctx);
  const { stdout, stderr } = output();
  return { status, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') };
}

describe('a CLI from a second copy of the package', () => {
  it('is another module instance than the first copy', () => {
    const { dir } = secondCopyProject();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const first = require(FIRST_COPY) as { SecretsSection: unknown };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const second = require(path.join(dir, 'node_modules/nestjs-ini-secrets/dist')) as { SecretsSection: unknown };
    expect(second.SecretsSection).not.toBe(first.SecretsSection);
  });

  it('checks DTOs decorated by the first copy: sections, keys and @NotSecret are seen (exact output)', async () => {
    const { dir, env, main, sections } = secondCopyProject();
    const file = path.join(dir, 'production-secrets.ini');
    writeFileSync(file, `[session]\nsecret = ${'5e'.repeat(20)}\ncookie_name = sid-production\n`, { mode: 0o600 });
    const ok = await runWith(main, ['check', '-e', 'production', '--sections', sections], { cwd: dir, env });
    expect(ok).toEqual({
      status: 0,
      stdout: `${file}: ok (environment production; 1 section: session; 2 keys)\n`,
      stderr: '',
    });
    // The rules come through too: a short secret is the DTO's MinLength, not a missing class.
    writeFileSync(file, '[session]\nsecret = short\ncookie_name = sid\n', { mode: 0o600 });
    const short = await runWith(main, ['check', '-e', 'production', '--sections', sections], { cwd: dir, env });
    expect(short).toEqual({
      status: 1,
      stdout: '',
      stderr: `${file}:2 [session] secret: secret must be longer than or equal to 32 characters\n`,
    });
  });

  it('init --sections writes the sections of DTOs decorated by the first copy', async () => {
    const { dir, env, main, sections } = secondCopyProject();
    const init = await runWith(main, ['init', '-e', 'development', '--sections', 'secrets.js'], { cwd: dir, env });
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    const file = path.join(dir, 'development-secrets.ini');
    expect(init.stdout).toBe(
      `Wrote ${file} (mode 0600, 1 random token).\n` +
        'Next steps:\n' +
        '  1. Fill in the values marked "fill in": [session] cookie_name.\n' +
        '  2. Before deploying, validate with your DTOs: nest-secrets check --environment development --sections secrets.js.\n',
    );
    expect(sections).toBe(path.join(dir, 'secrets.js'));
  });
});

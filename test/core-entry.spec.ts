import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as core from '../lib/core';
import * as root from '../lib/index';
import { tempDir } from './helpers/cli';
import { readmeExample } from './helpers/readme';

/**
 * Runs `script` in a fresh Node process in the repository, where
 * `nestjs-ini-secrets` resolves to this package (a self-reference through
 * package.json's `exports`, as an installed copy resolves), built by
 * test/global-setup.ts. A process of its own because what matters is which
 * modules *a fresh process* loads, and what Node's ES-module loader (not
 * vitest's) sees of the CommonJS build.
 */
function node(args: string[], script: string): string {
  const result = spawnSync(process.execPath, [...args, script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** The packages (node_modules/<name>) in the fresh process's require cache after `require(entry)`. */
const PACKAGES_LOADED = `
  const loaded = new Set();
  for (const file of Object.keys(require.cache)) {
    const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file);
    if (match) loaded.add(match[1]);
  }
  console.log(JSON.stringify([...loaded].sort()));`;

describe('nestjs-ini-secrets/core: the loader without Nest', () => {
  it('loads no @nestjs/* module and no rxjs: only class-validator (the provider DTOs use it) and reflect-metadata', () => {
    const loaded = JSON.parse(node(['-e'], `require('nestjs-ini-secrets/core');${PACKAGES_LOADED}`)) as string[];
    expect(loaded).toEqual(['class-validator', 'libphonenumber-js', 'reflect-metadata', 'validator']);
  });

  it('the root entry loads Nest (what /core exists to avoid)', () => {
    const loaded = JSON.parse(node(['-e'], `require('nestjs-ini-secrets');${PACKAGES_LOADED}`)) as string[];
    expect(loaded.filter((name) => name.startsWith('@nestjs/') || name === 'rxjs')).toEqual([
      '@nestjs/common',
      '@nestjs/core',
      'rxjs',
    ]);
  });

  it('the root re-exports every value export of /core as the same object (one SecretsError, one Secrets, …)', () => {
    const names = Object.keys(core).sort();
    expect(names).toEqual([
      'DEFAULT_ENVIRONMENT',
      'DEFAULT_ENVIRONMENT_VARIABLE',
      'DEFAULT_MAX_FILE_SIZE',
      'MASK_MIN_LENGTH',
      'NotSecret',
      'OAuth1ProviderSecrets',
      'OAuth2ProviderSecrets',
      'REDACTED',
      'SECRETS_ERROR_CODES',
      'Secrets',
      'SecretsError',
      'SecretsSection',
      'describeSource',
      'envOverrides',
      'formatProblem',
      'iniFile',
      'loadSecrets',
      'reveal',
      'secretsDirectory',
      'watchSecrets',
    ]);
    const differing = names.filter(
      (name) => (root as Record<string, unknown>)[name] !== (core as Record<string, unknown>)[name],
    );
    expect(differing).toEqual([]);
  });

  it('the built entries hand out the same classes: require(root).SecretsError === require(core).SecretsError', () => {
    const script = `
      const core = require('nestjs-ini-secrets/core');
      const root = require('nestjs-ini-secrets');
      const differing = Object.keys(core).filter((name) => root[name] !== core[name]);
      console.log(JSON.stringify({ count: Object.keys(core).length, differing, error: root.SecretsError === core.SecretsError }));`;
    expect(JSON.parse(node(['-e'], script))).toEqual({ count: 20, differing: [], error: true });
  });

  it('named ES-module imports see every export of the CommonJS build, from both entries', () => {
    // cjs-module-lexer must find each name, through the root's re-export of /core too.
    const script = `
      import { createRequire } from 'node:module';
      import { SecretsError as FromCore } from 'nestjs-ini-secrets/core';
      import { SecretsError as FromRoot, SecretsModule } from 'nestjs-ini-secrets';
      const require = createRequire(process.cwd() + '/');
      const missing = (entry, namespace) =>
        Object.keys(require(entry)).filter((name) => name !== '__esModule' && !(name in namespace));
      console.log(JSON.stringify({
        core: missing('nestjs-ini-secrets/core', await import('nestjs-ini-secrets/core')),
        root: missing('nestjs-ini-secrets', await import('nestjs-ini-secrets')),
        same: FromCore === FromRoot,
        module: typeof SecretsModule,
      }));`;
    expect(JSON.parse(node(['--input-type=module', '-e'], script))).toEqual({
      core: [],
      root: [],
      same: true,
      module: 'function',
    });
  });
});

describe("README's DTO file importing /core", () => {
  it('imports the decorators from nestjs-ini-secrets/core, and loadSecrets builds its section', async () => {
    const code = readmeExample('core-dto');
    expect(code.split('\n').filter((line) => line.includes("from 'nestjs-ini-secrets"))).toEqual([
      "import { NotSecret, SecretsSection } from 'nestjs-ini-secrets/core';",
    ]);
    const dir = tempDir('nis-core-dto-');
    // The compiler options a `nest new` app has, for SWC to find next to the file.
    const compilerOptions = { experimentalDecorators: true, emitDecoratorMetadata: true };
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
    const file = path.join(dir, 'secrets.ts');
    const library = pathToFileURL(path.resolve('lib/core.ts')).href;
    writeFileSync(file, code.replace(`from 'nestjs-ini-secrets/core'`, `from '${library}'`));
    const { SessionSecrets } = (await import(pathToFileURL(file).href)) as { SessionSecrets: new () => object };
    const secrets = await root.loadSecrets({
      sections: [SessionSecrets],
      values: { session: { secret: 'k'.repeat(32), cookie_name: 'sid' } },
    });
    // The same loader whichever entry imported the decorators: the root's loadSecrets reads /core's metadata.
    expect(JSON.stringify(secrets.section(SessionSecrets))).toBe('{"secret":"[REDACTED]","cookie_name":"sid"}');
    const error = await root
      .loadSecrets({ sections: [SessionSecrets], values: { session: { secret: 'short', cookie_name: 'sid' } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(core.SecretsError);
    expect((error as InstanceType<typeof core.SecretsError>).problems.map((p) => p.message)).toEqual([
      'secret must be longer than or equal to 32 characters',
    ]);
  });
});

/**
 * The inputs of the CLI start-up and import tables, in a temporary
 * directory: a small secrets file (`bench-secrets.ini`) and its `.env`
 * equivalent for dotenvx, a DTO module for `check` importing the loader-only
 * entry (and one importing the package root), and two git repositories for
 * `hook run` (nothing staged / three files staged). `node_modules` links the
 * package (`nestjs-ini-secrets` → the repository, resolved through its
 * `exports` as an app resolves it) and the peers the DTO module imports.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchRequire, repoRoot } from './shared.mjs';
import { CLEAN_ENV } from './processes.mjs';

/** The environment name of the fixture's secrets file. */
export const ENVIRONMENT = 'bench';

/** Section → key → value; generated throw-away values, never printed. */
function sections() {
  const token = () => randomBytes(20).toString('hex');
  return {
    database: { host: 'db.internal', user: 'app', password: token() },
    api: { url: 'https://api.payments.internal', token: token() },
    session: { secret: token() },
  };
}

/** True when the build has the loader-only entry (`dist/core.js` exported as `./core`). */
export function coreEntryBuilt() {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  return existsSync(path.join(repoRoot, 'dist', 'core.js')) && manifest.exports?.['./core'] !== undefined;
}

/** A CommonJS DTO module, written as tsc emits decorators (with `design:type`), importing `entry`. */
function dtoModule(entry, data) {
  const classes = Object.entries(data).map(([section, keys]) => {
    const name = `${section[0].toUpperCase()}${section.slice(1)}Secrets`;
    const props = Object.keys(keys).map(
      (key) =>
        `Reflect.decorate([IsString(), IsNotEmpty(), Reflect.metadata('design:type', String)], ${name}.prototype, '${key}', void 0);`,
    );
    return [
      `class ${name} {}`,
      ...props,
      `exports.${name} = Reflect.decorate([SecretsSection('${section}')], ${name});`,
    ].join('\n');
  });
  return [
    "'use strict';",
    "require('reflect-metadata');",
    `const { SecretsSection } = require('${entry}');`,
    "const { IsNotEmpty, IsString } = require('class-validator');",
    ...classes,
    '',
  ].join('\n');
}

function git(cwd, ...args) {
  execFileSync('git', args, { cwd, env: CLEAN_ENV, stdio: 'ignore' });
}

function linkModules(dir) {
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(repoRoot, path.join(dir, 'node_modules', 'nestjs-ini-secrets'), 'dir');
  for (const name of ['class-validator', 'class-transformer', 'reflect-metadata']) {
    symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(dir, 'node_modules', name), 'dir');
  }
}

/**
 * Writes the fixtures under `dir`; returns `{ work, staged, cli, dotenvx, coreBuilt }`
 * (`work`: the app directory, a git repository with nothing staged; `staged`:
 * a repository with three files staged; `cli`, `dotenvx`: their bin scripts).
 */
export function writeCliFixtures(dir) {
  const work = path.join(dir, 'app');
  const staged = path.join(dir, 'staged');
  mkdirSync(work, { recursive: true });
  mkdirSync(path.join(staged, 'src'), { recursive: true });
  const data = sections();
  const ini = Object.entries(data)
    .map(([section, keys]) => [`[${section}]`, ...Object.entries(keys).map(([k, v]) => `${k} = ${v}`)].join('\n'))
    .join('\n\n');
  writeFileSync(path.join(work, `${ENVIRONMENT}-secrets.ini`), ini + '\n', { mode: 0o600 });
  const dotenv = Object.entries(data).flatMap(([section, keys]) =>
    Object.entries(keys).map(([k, v]) => `${section.toUpperCase()}__${k.toUpperCase()}=${v}`),
  );
  writeFileSync(path.join(work, '.env'), dotenv.join('\n') + '\n', { mode: 0o600 });
  writeFileSync(path.join(work, '.gitignore'), '*-secrets.ini\n.env\nnode_modules/\n');
  writeFileSync(path.join(work, 'secrets-core.js'), dtoModule('nestjs-ini-secrets/core', data));
  writeFileSync(path.join(work, 'secrets-root.js'), dtoModule('nestjs-ini-secrets', data));
  linkModules(work);
  git(work, 'init', '-q', '.');
  writeFileSync(path.join(staged, 'src', 'main.js'), "console.log('hello');\n");
  writeFileSync(path.join(staged, 'README.md'), '# app\n');
  writeFileSync(path.join(staged, '.gitignore'), '*-secrets.ini\n');
  git(staged, 'init', '-q', '.');
  git(staged, 'add', '.');
  const dotenvxManifest = benchRequire.resolve('@dotenvx/dotenvx/package.json');
  const dotenvxBin = JSON.parse(readFileSync(dotenvxManifest, 'utf8')).bin.dotenvx;
  return {
    work,
    staged,
    cli: path.join(repoRoot, JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).bin['nest-secrets']),
    dotenvx: path.resolve(path.dirname(dotenvxManifest), dotenvxBin),
    coreBuilt: coreEntryBuilt(),
  };
}

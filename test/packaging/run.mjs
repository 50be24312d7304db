#!/usr/bin/env node
// Installs the package into real apps, as users do, and runs them:
//   esm-nest12  what `nest new` generates for Nest 12 (ES modules, vitest 4 without SWC, TypeScript 6)
//   cjs-nest11  a CommonJS Nest 11 app with Jest and ts-jest (TypeScript 5.9)
// First `npm run build` and `npm pack` here, and `git clone` of HEAD (committed
// work only). Then for each app, in a temporary directory: npm install the
// package (with the app's lock file) — esm-nest12 from the clone's
// git+file:// URL, which npm builds through `prepare`, cjs-nest11 from the
// tarball — one copy of every shared package, the bin, named ESM imports,
// type-check, build, start with FACEBOOK_API_KEY and request GET /facebook,
// start without it and expect exit code 1 with the UNSET_VARIABLE message, run
// the app's own spec. Then README's Quick start, as written, in a copy of the
// ES-module app made to look like `nest new` (quick-start/): its e2e spec.
//
// Usage: node test/packaging/run.mjs [--keep] [--from=git|tarball] [fixture ...]
//   --keep     leave the temporary directory (its path is printed) for inspection
//   --from     install every fixture from the git URL, or every one from the tarball
//   fixture    run only these fixtures (directory names under fixtures/)
// Ends with the line "N passed, N failed"; exits 1 on any failure.

import { spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixturesDir = path.join(root, 'test/packaging/fixtures');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const only = args.filter((a) => !a.startsWith('--'));
const from = args.find((a) => a.startsWith('--from='))?.slice('--from='.length);
/** Where each fixture installs the package from, unless `--from` says otherwise. */
const SOURCE = { 'esm-nest12': 'git', 'cjs-nest11': 'tarball' };
/** The fixture README's Quick start is applied to, once its own checks have passed. */
const QUICK_START_APP = 'esm-nest12';
assert(!from || from === 'git' || from === 'tarball', `--from=${from}: expected git or tarball`);

/** Placeholder secret the apps read through `$FACEBOOK_API_KEY`; it must never reach their output. */
const API_KEY = 'packaging-canary-7f3a9c';
const EXPECTED_ANSWER = {
  environment: 'development',
  scope: ['user_about_me', 'email'],
  timeoutSeconds: 5,
  secretLength: API_KEY.length,
};
/** The packages app and library must share: a second copy is a second set of class tokens. */
const SHARED = [
  'nestjs-ini-secrets',
  '@nestjs/common',
  '@nestjs/core',
  'class-validator',
  'class-transformer',
  'reflect-metadata',
  'rxjs',
];
const INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

const results = [];
const timings = [];

/** Environment for children: none of the variables that `npm run` sets for *this* package. */
function childEnv(extra = {}) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^npm_(lifecycle|package)_/.test(name) || name === 'npm_config_local_prefix' || name === 'INIT_CWD') {
      delete env[name];
    }
  }
  // The apps choose their environment and file themselves, as on a developer's machine.
  for (const name of ['NODE_ENV', 'SECRETS_FILE', 'FACEBOOK_API_KEY', 'PORT']) delete env[name];
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs a command to its end; resolves with its exit code, signal and interleaved output. */
function run(command, commandArgs, { cwd, env = childEnv(), timeoutMs = 300_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => (output += chunk));
    }
    const timer = setTimeout(() => {
      output += `\n[packaging] ${command} ${commandArgs.join(' ')} timed out after ${timeoutMs} ms\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, output: `${stripAnsi(output)}\n${error.stack}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output: stripAnsi(output) });
    });
  });
}

async function mustRun(command, commandArgs, options) {
  const result = await run(command, commandArgs, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${commandArgs.join(' ')} exited with ${result.code ?? result.signal}:\n${result.output}`,
    );
  }
  return result.output;
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records one named check; a failure does not stop the others unless `fatal`. */
async function check(name, fn, { fatal = false } = {}) {
  const started = performance.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${seconds(started)})`);
    return true;
  } catch (error) {
    results.push({ name, ok: false });
    console.log(
      `FAIL ${name} (${seconds(started)})\n${indent(error instanceof Error ? error.message : String(error))}`,
    );
    if (fatal) throw new Skip(name);
    return false;
  }
}

class Skip extends Error {}

function seconds(started) {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

function indent(text) {
  const lines = text.trimEnd().split('\n');
  const shown = lines.length > 80 ? [...lines.slice(0, 20), '…', ...lines.slice(-60)] : lines;
  return shown.map((line) => `     ${line}`).join('\n');
}

/** Where Node's bare-specifier lookup from `dir` finds package `name`: the first node_modules/name upwards. */
function locate(dir, name) {
  for (let current = dir; ; current = path.dirname(current)) {
    const candidate = path.join(current, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(current) === current) return null;
  }
}

/** Every installed copy of `name` under `dir`'s node_modules, nested ones included. */
function copiesOf(dir, name, found = []) {
  const modules = path.join(dir, 'node_modules');
  if (!existsSync(modules)) return found;
  if (existsSync(path.join(modules, name, 'package.json'))) found.push(path.join(modules, name));
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin') continue;
    const scoped = entry.name.startsWith('@')
      ? readdirSync(path.join(modules, entry.name)).map((sub) => path.join(modules, entry.name, sub))
      : [path.join(modules, entry.name)];
    for (const pkg of scoped) copiesOf(pkg, name, found);
  }
  return found;
}

// NO_COLOR is set for the children; this is for tools that ignore it.
// eslint-disable-next-line no-control-regex
const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');

/** Starts the built app and resolves once it answers GET `path`, or rejects when it exits first. */
async function startAndRequest(appDir, port, requestPath) {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: appDir,
    env: childEnv({ PORT: String(port), FACEBOOK_API_KEY: API_KEY }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = null;
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => (output += chunk));
  }
  child.on('exit', (code, signal) => (exited = { code, signal }));
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (exited)
        throw new Error(`the app exited (${exited.code ?? exited.signal}) before answering:\n${stripAnsi(output)}`);
      if (Date.now() > deadline) throw new Error(`no answer on port ${port} within 30 s:\n${stripAnsi(output)}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}${requestPath}`);
        return { status: response.status, body: await response.text(), output: () => stripAnsi(output) };
      } catch {
        await sleep(100);
      }
    }
  } finally {
    if (!exited) {
      const closed = new Promise((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      await Promise.race([closed, sleep(5_000)]);
      if (!exited) child.kill('SIGKILL');
    }
  }
}

async function packTarball(workDir) {
  await check(
    'npm run build',
    async () => {
      await mustRun('npm', ['run', 'build'], { cwd: root });
    },
    { fatal: true },
  );
  let tarball;
  let paths = [];
  await check(
    'npm pack',
    async () => {
      const pack = ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir, '--loglevel=error'];
      const output = await mustRun('npm', pack, { cwd: root });
      const [{ filename, files }] = JSON.parse(output.slice(output.indexOf('[')));
      tarball = path.join(workDir, filename);
      paths = files.map((f) => f.path);
    },
    { fatal: true },
  );
  await check('the tarball holds the build, its types and the CLI, and no sources or tests', () => {
    const bin = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).bin ?? {};
    const entries = ['dist/index.js', 'dist/index.d.ts', 'dist/core.js', 'dist/core.d.ts', 'core/package.json'];
    const missing = ['package.json', 'README.md', ...entries, ...Object.values(bin)]
      .map((required) => required.replace(/^\.\//, ''))
      .filter((required) => !paths.includes(required));
    assert(missing.length === 0, `not in the tarball: ${missing.join(', ')}`);
    const stray = paths.filter((p) => /\.spec\.|^(lib|test|sample|bench)\//.test(p) || /(?<!\.d)\.ts$/.test(p));
    assert(stray.length === 0, `the tarball holds files users do not need:\n${stray.join('\n')}`);
  });
  await check("the tarball's source maps carry their sources", () => {
    // A map naming ../lib/*.ts, which the tarball lacks, sends debuggers and
    // vitest's stack traces to files users do not have.
    const dangling = [];
    for (const map of paths.filter((p) => p.endsWith('.js.map'))) {
      const { sources = [], sourcesContent = [] } = JSON.parse(readFileSync(path.join(root, map), 'utf8'));
      sources.forEach((source, i) => {
        const target = path.posix.join(path.posix.dirname(map), source);
        if (sourcesContent[i] == null && !paths.includes(target)) dangling.push(`${map} → ${target}`);
      });
    }
    assert(
      dangling.length === 0,
      `${dangling.length} source maps name sources the tarball lacks (build with "inlineSources": true), e.g. ${dangling[0]}`,
    );
  });
  return tarball;
}

/**
 * A clone of HEAD, as `npm install git+https://…` would fetch it: the git route
 * needs `prepare` to build dist/, which a clone, unlike the tarball, lacks.
 */
async function cloneHead(workDir) {
  const clone = path.join(workDir, 'nestjs-ini-secrets.git');
  await check(
    'git clone of HEAD',
    async () => {
      await mustRun('git', ['clone', '--quiet', '--no-local', root, clone], { cwd: workDir });
      const head = (await mustRun('git', ['rev-parse', '--short', 'HEAD'], { cwd: clone })).trim();
      const dirty = (await mustRun('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root })).trim();
      console.log(`     HEAD ${head}${dirty ? ' (uncommitted changes here are not in it)' : ''}`);
      assert(!existsSync(path.join(clone, 'dist')), 'the clone holds dist/: it must be built on install');
    },
    { fatal: true },
  );
  return `git+file://${clone}`;
}

/**
 * npm install from the git URL with `--strict-allow-scripts`, which fails on any
 * install script not approved in `allowScripts`: the app approves ours (README
 * "From a git URL"), and `prepare`'s own `npm install` of our devDependencies
 * runs under the same policy, which our package.json's `allowScripts` covers.
 */
async function installFromGit(appDir, gitUrl) {
  const manifestPath = path.join(appDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.allowScripts = { ...manifest.allowScripts, [gitUrl]: true };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await mustRun('npm', [...INSTALL, '--strict-allow-scripts', gitUrl], { cwd: appDir });
  const installed = path.join(appDir, 'node_modules/nestjs-ini-secrets');
  assert(existsSync(path.join(installed, 'dist/index.js')), 'prepare did not build dist/index.js');
  // npm packs the built clone (its `files`), so the sources stay behind.
  const stray = ['lib', 'test', 'sample'].filter((dir) => existsSync(path.join(installed, dir)));
  assert(stray.length === 0, `the installed package holds ${stray.join(', ')}: npm did not pack it`);
}

async function testFixture(fixture, sources, workDir) {
  const appDir = path.join(workDir, fixture);
  const started = performance.now();
  const esm = JSON.parse(readFileSync(path.join(fixturesDir, fixture, 'package.json'), 'utf8')).type === 'module';
  const source = from ?? SOURCE[fixture] ?? 'tarball';
  console.log(`\n== ${fixture}`);
  try {
    await check(
      source === 'git'
        ? `${fixture}: npm install git+file://… (built by prepare) with the app's pinned dependencies`
        : `${fixture}: npm install the tarball with the app's pinned dependencies`,
      async () => {
        cpSync(path.join(fixturesDir, fixture), appDir, {
          recursive: true,
          filter: (source) => !/[\\/](node_modules|dist)$/.test(source),
        });
        if (source === 'git') await installFromGit(appDir, sources.git);
        else await mustRun('npm', [...INSTALL, sources.tarball], { cwd: appDir });
      },
      { fatal: true },
    );

    await check(`${fixture}: app, package and Nest share one copy of ${SHARED.join(', ')}`, async () => {
      // Copies elsewhere (the Nest CLI's own rxjs) are harmless: what matters is
      // that the app, our package and @nestjs/core resolve to the same one.
      const ours = locate(appDir, 'nestjs-ini-secrets');
      const nest = locate(appDir, '@nestjs/core');
      const problems = [];
      const ourCopies = copiesOf(appDir, 'nestjs-ini-secrets');
      if (ourCopies.length !== 1) problems.push(`nestjs-ini-secrets is installed ${ourCopies.length} times`);
      for (const name of SHARED.slice(1)) {
        const seen = [appDir, ours, nest].map((from) => locate(from, name));
        if (new Set(seen).size !== 1 || seen[0] === null) {
          problems.push(`${name}: app, package, @nestjs/core see ${seen.map((p) => p && path.relative(appDir, p))}`);
        }
      }
      assert(problems.length === 0, problems.join('\n'));
    });

    await check(`${fixture}: the package's nest-secrets command runs`, async () => {
      const output = await mustRun(path.join(appDir, 'node_modules/.bin/nest-secrets'), ['--help'], { cwd: appDir });
      assert(output.includes('Usage: nest-secrets'), output);
    });

    await check(`${fixture}: import { … } from 'nestjs-ini-secrets' sees every CommonJS export`, async () => {
      // cjs-module-lexer must see through tsc's `__exportStar` re-exports, or
      // `import { SecretsModule } from 'nestjs-ini-secrets'` fails in ES modules.
      const script = `
        import { createRequire } from 'node:module';
        const cjs = Object.keys(createRequire(process.cwd() + '/')('nestjs-ini-secrets')).filter((k) => k !== '__esModule');
        const esm = Object.keys(await import('nestjs-ini-secrets'));
        const missing = cjs.filter((k) => !esm.includes(k));
        if (missing.length || !cjs.includes('SecretsModule')) { console.error('not named exports: ' + missing); process.exit(1); }`;
      await mustRun(process.execPath, ['--input-type=module', '-e', script], { cwd: appDir });
    });

    await check(
      `${fixture}: nestjs-ini-secrets/core loads no @nestjs/* or rxjs and hands out the root's objects`,
      async () => {
        // The app's DTO file (src/secrets.ts) imports /core: `check` and plain scripts load it without Nest.
        const script = `
        const core = require('nestjs-ini-secrets/core');
        const nest = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](@nestjs|rxjs)[\\\\/]/.test(f));
        const root = require('nestjs-ini-secrets');
        const differing = Object.keys(core).filter((name) => root[name] !== core[name]);
        console.log(JSON.stringify({ nest: nest.length, differing, exports: Object.keys(core).length > 0 }));`;
        const output = (await mustRun(process.execPath, ['-e', script], { cwd: appDir })).trim();
        const expected = JSON.stringify({ nest: 0, differing: [], exports: true });
        assert(output === expected, `expected ${expected}\n     got ${output}`);
      },
    );

    await check(`${fixture}: import { … } from 'nestjs-ini-secrets/core' sees every CommonJS export`, async () => {
      const script = `
        import { createRequire } from 'node:module';
        import { SecretsError as FromCore } from 'nestjs-ini-secrets/core';
        import { SecretsError as FromRoot } from 'nestjs-ini-secrets';
        const cjs = Object.keys(createRequire(process.cwd() + '/')('nestjs-ini-secrets/core')).filter((k) => k !== '__esModule');
        const esm = Object.keys(await import('nestjs-ini-secrets/core'));
        const missing = cjs.filter((k) => !esm.includes(k));
        if (missing.length || FromCore !== FromRoot) { console.error('not named exports: ' + missing); process.exit(1); }`;
      await mustRun(process.execPath, ['--input-type=module', '-e', script], { cwd: appDir });
    });

    // tsconfig.commonjs.json, where present: the `module: commonjs` of older apps,
    // which finds our types through package.json's `types`, not `exports`.
    for (const tsconfig of ['tsconfig.json', 'tsconfig.commonjs.json']) {
      if (!existsSync(path.join(appDir, tsconfig))) continue;
      await check(`${fixture}: type-checks app and spec against the package's .d.ts (${tsconfig})`, async () => {
        await mustRun(path.join(appDir, 'node_modules/.bin/tsc'), ['--noEmit', '-p', tsconfig], { cwd: appDir });
      });
    }

    await check(
      `${fixture}: npm run build (${esm ? 'nest build' : 'tsc'})`,
      async () => {
        await mustRun('npm', ['run', 'build'], { cwd: appDir });
        assert(existsSync(path.join(appDir, 'dist/main.js')), 'dist/main.js was not built');
      },
      { fatal: true },
    );

    await check(`${fixture}: nest-secrets check validates the built DTO file (importing /core)`, async () => {
      // As a developer keeps it (a group-readable file is a warning, which changes the line).
      chmodSync(path.join(appDir, 'development-secrets.ini'), 0o600);
      const output = await mustRun(
        path.join(appDir, 'node_modules/.bin/nest-secrets'),
        ['check', '-e', 'development', '--sections', 'dist/secrets.js'],
        { cwd: appDir, env: childEnv({ FACEBOOK_API_KEY: API_KEY }) },
      );
      const expected = `${path.join(appDir, 'development-secrets.ini')}: ok (environment development; 1 section: facebook; 4 keys)`;
      assert(output.split('\n').includes(expected), `expected the line ${expected}\n     got ${output}`);
      assert(!output.includes(API_KEY), 'the secret appears in the output');
    });

    await check(`${fixture}: with FACEBOOK_API_KEY set, GET /facebook answers from the injected section`, async () => {
      const { status, body, output } = await startAndRequest(appDir, await freePort(), '/facebook');
      assert(status === 200, `status ${status}: ${body}\n${output()}`);
      assert(
        JSON.stringify(JSON.parse(body)) === JSON.stringify(EXPECTED_ANSWER),
        `expected ${JSON.stringify(EXPECTED_ANSWER)}\n     got ${body}`,
      );
      // Exactly one line through Nest's own ConsoleLogger, with context SecretsModule.
      const lines = output()
        .split('\n')
        .filter((line) => line.includes('[SecretsModule]'));
      assert(
        lines.length === 1 && /\[SecretsModule\] Loaded secrets for environment "development"/.test(lines[0]),
        `expected one start-up line from SecretsModule, got:\n${lines.join('\n')}`,
      );
      assert(!body.includes(API_KEY) && !output().includes(API_KEY), 'the secret appears in the answer or the log');
    });

    await check(`${fixture}: without FACEBOOK_API_KEY, exits with code 1 and the UNSET_VARIABLE message`, async () => {
      const { code, signal, output } = await run(process.execPath, ['dist/main.js'], {
        cwd: appDir,
        env: childEnv({ PORT: String(await freePort()) }),
        timeoutMs: 30_000,
      });
      assert(code === 1 && signal === null, `exit ${code ?? signal} (expected 1):\n${output}`);
      const file = path.join(appDir, 'development-secrets.ini');
      // `<file>:<line>[:<column>] [<section>] <key>: <what is wrong>`, naming the variable.
      const message = new RegExp(`${escape(file)}:6(:\\d+)? \\[facebook\\] consumer_secret: .*FACEBOOK_API_KEY`, 'g');
      const printed = output.match(message)?.length ?? 0;
      assert(printed > 0, `no UNSET_VARIABLE message for FACEBOOK_API_KEY at ${file}:6:\n${output}`);
      // Twice would mean main.ts's `instanceof SecretsError` saw another copy of the class.
      assert(printed === 1, `the message is printed ${printed} times:\n${output}`);
      assert(output.includes('UNSET_VARIABLE'), `the output does not name the code UNSET_VARIABLE:\n${output}`);
    });

    await check(`${fixture}: the app's own spec (${esm ? 'vitest' : 'jest + ts-jest'})`, async () => {
      await mustRun('npm', ['test'], { cwd: appDir, env: childEnv({ CI: 'true' }) });
    });
  } catch (error) {
    if (!(error instanceof Skip)) throw error;
    console.log(`     (the other ${fixture} checks are skipped)`);
    return false;
  }
  timings.push([`${fixture} (${source})`, seconds(started)]);
  return true;
}

/**
 * The blocks of README's Quick start, each marked with the file it goes to:
 * `<!-- quick-start: src/secrets.ts -->` before its fence. test/module/quick-start.spec.ts
 * reads them the same way.
 */
function quickStartBlocks() {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/<!-- quick-start: (\S+) -->\s*```\w*\n([\s\S]*?)^```/gm)];
  return blocks.map(([, file, text]) => ({ file, text }));
}

/**
 * README's Quick start as a reader applies it: a copy of the installed ES-module
 * app, with what `nest new` generates laid over it (quick-start/: the Hello
 * World controller and service, test/app.e2e-spec.ts), the README's blocks
 * written to the files they name, then type-check and `npm run test:e2e` with
 * NODE_ENV=test, as test runners set it. node_modules is a symlink to the
 * installed app's: nothing is installed twice.
 */
async function testQuickStart(workDir) {
  const started = performance.now();
  const installed = path.join(workDir, QUICK_START_APP);
  const appDir = path.join(workDir, 'quick-start');
  console.log(`\n== README Quick start in a copy of ${QUICK_START_APP}`);
  await check("quick-start: README's marked blocks written into a `nest new` app", () => {
    cpSync(installed, appDir, { recursive: true, filter: (source) => !/[\\/](node_modules|dist)$/.test(source) });
    symlinkSync(path.join(installed, 'node_modules'), path.join(appDir, 'node_modules'), 'dir');
    // The fixture's own controller and spec are not what `nest new` generates.
    rmSync(path.join(appDir, 'src/app.controller.spec.ts'));
    cpSync(path.join(root, 'test/packaging/quick-start'), appDir, {
      recursive: true,
      filter: (source) => !source.endsWith('README.md'),
    });
    for (const name of ['development-secrets.ini', 'test-secrets.ini'])
      rmSync(path.join(appDir, name), { force: true });
    const blocks = quickStartBlocks();
    const files = blocks.map((b) => b.file);
    for (const required of ['src/secrets.ts', 'src/app.module.ts', 'development-secrets.ini', 'test-secrets.ini']) {
      assert(files.includes(required), `README's Quick start has no block marked <!-- quick-start: ${required} -->`);
    }
    for (const { file, text } of blocks) {
      mkdirSync(path.dirname(path.join(appDir, file)), { recursive: true });
      writeFileSync(path.join(appDir, file), text);
    }
    const manifestPath = path.join(appDir, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.scripts['test:e2e'] = 'vitest run --config ./vitest.config.e2e.ts';
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`     ${files.join(', ')}`);
  });
  await check('quick-start: type-checks (tsc --noEmit)', async () => {
    await mustRun(path.join(appDir, 'node_modules/.bin/tsc'), ['--noEmit', '-p', 'tsconfig.json'], { cwd: appDir });
  });
  await check(
    "quick-start: npm run test:e2e (NODE_ENV=test: test-secrets.ini), README's testing spec included",
    async () => {
      const output = await mustRun('npm', ['run', 'test:e2e'], {
        cwd: appDir,
        env: childEnv({ CI: 'true', NODE_ENV: 'test' }),
      });
      // The generated spec and README's "Testing your app" spec both ran.
      for (const spec of ['test/app.e2e-spec.ts', 'test/secrets.e2e-spec.ts']) {
        assert(output.includes(spec), `npm run test:e2e did not run ${spec}:\n${output}`);
      }
    },
  );
  timings.push(['quick-start', seconds(started)]);
}

/**
 * A project without Nest (a script, a serverless function): the tarball and
 * the loader's peers only. npm must leave out the optional peers (`@nestjs/*`,
 * rxjs), and `nestjs-ini-secrets/core` must load and validate without them.
 */
async function testCoreOnly(workDir, tarball) {
  const dir = path.join(workDir, 'core-only');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), '{ "name": "core-only", "private": true }\n');
  writeFileSync(path.join(dir, 'production-secrets.ini'), `[db]\npassword = ${API_KEY}\n`, { mode: 0o600 });
  writeFileSync(
    path.join(dir, 'load.cjs'),
    [
      "const { loadSecrets, SecretsSection } = require('nestjs-ini-secrets/core');",
      "const { IsString, MinLength } = require('class-validator');",
      'class Db {}',
      "Reflect.defineMetadata('design:type', String, Db.prototype, 'password');",
      "IsString()(Db.prototype, 'password');",
      "MinLength(8)(Db.prototype, 'password');",
      "SecretsSection('db')(Db);",
      "loadSecrets({ sections: [Db], environment: 'production', directory: __dirname }).then((secrets) => {",
      '  const db = secrets.section(Db);',
      '  const nest = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](@nestjs|rxjs)[\\\\/]/.test(file));',
      '  console.log(JSON.stringify({ instance: db instanceof Db, length: db.password.length, nest }));',
      '});',
      '',
    ].join('\n'),
  );
  await check("core-only: npm installs the tarball and the loader's peers, and no @nestjs/* or rxjs", async () => {
    await mustRun(
      'npm',
      [...INSTALL, tarball, 'class-validator@0.15.1', 'class-transformer@0.5.1', 'reflect-metadata@0.2.2'],
      {
        cwd: dir,
      },
    );
    for (const name of ['@nestjs', 'rxjs']) {
      assert(!existsSync(path.join(dir, 'node_modules', name)), `node_modules/${name} was installed`);
    }
  });
  await check('core-only: loadSecrets from nestjs-ini-secrets/core loads and validates, loading no Nest', async () => {
    const output = await mustRun('node', ['load.cjs'], { cwd: dir });
    const expected = JSON.stringify({ instance: true, length: API_KEY.length, nest: [] });
    assert(output.trim() === expected, `expected ${expected}, got ${output.trim()}`);
  });
}

async function main() {
  const fixtures = readdirSync(fixturesDir).filter((name) => only.length === 0 || only.includes(name));
  assert(fixtures.length > 0 || only.includes('core-only'), `no fixture named ${only.join(', ')}`);
  const workDir = mkdtempSync(path.join(tmpdir(), 'nestjs-ini-secrets-packaging-'));
  const started = performance.now();
  try {
    const packStarted = performance.now();
    const tarball = await packTarball(workDir);
    timings.push(['build + pack', seconds(packStarted)]);
    const usesGit = fixtures.some((fixture) => (from ?? SOURCE[fixture]) === 'git');
    const git = usesGit ? await cloneHead(workDir) : null;
    for (const fixture of fixtures) {
      const passed = await testFixture(fixture, { tarball, git }, workDir);
      if (passed && fixture === QUICK_START_APP) await testQuickStart(workDir);
    }
    if (only.length === 0 || only.includes('core-only')) {
      const coreStarted = performance.now();
      await testCoreOnly(workDir, tarball);
      timings.push(['core-only (tarball)', seconds(coreStarted)]);
    }
  } catch (error) {
    if (!(error instanceof Skip)) throw error;
  } finally {
    if (keep) console.log(`\nkept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  timings.push(['total', seconds(started)]);
  console.log(`\ntimings: ${timings.map(([name, time]) => `${name} ${time}`).join(', ')}`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();

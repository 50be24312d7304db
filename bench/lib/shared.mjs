/**
 * One copy of everything the competitors share, resolved from the
 * repository root's install: Nest, class-validator, class-transformer,
 * reflect-metadata, ini — and our package from its build (`dist/`).
 *
 * bench/ installs only @nestjs/config and nest-typed-config (and
 * @dotenvx/dotenvx, a CLI the start-up table runs as a process), with
 * `legacy-peer-deps` (bench/.npmrc) so npm adds no second Nest as their peer:
 * their `require('@nestjs/common')` walks up to the root's copy.
 * nest-typed-config resolves class-validator and class-transformer from
 * `process.cwd()`, so workers run with the repository root as cwd;
 * {@link checkSingleCopies} proves it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(benchDir, '..');
export const rootRequire = createRequire(path.join(repoRoot, 'package.json'));
export const benchRequire = createRequire(path.join(benchDir, 'package.json'));

rootRequire('reflect-metadata');
export const cv = rootRequire('class-validator');
export const ct = rootRequire('class-transformer');
export const ini = rootRequire('ini');
export const nestCommon = rootRequire('@nestjs/common');
export const nestCore = rootRequire('@nestjs/core');

/** Our package, as users get it: the CommonJS build. */
export function loadOurs() {
  return rootRequire('./dist/index.js');
}

export async function loadNestConfig() {
  return import('@nestjs/config');
}

export function loadTypedConfig() {
  return benchRequire('nest-typed-config');
}

/** Throws unless the competitors use the very same Nest, class-validator and class-transformer as our package. */
export function checkSingleCopies() {
  const problems = [];
  for (const pkg of ['nest-typed-config', '@nestjs/config']) {
    const from = createRequire(benchRequire.resolve(`${pkg}/package.json`));
    if (from.resolve('@nestjs/common') !== rootRequire.resolve('@nestjs/common')) {
      problems.push(`${pkg} resolves its own @nestjs/common`);
    }
  }
  const typedImports = benchRequire('nest-typed-config/dist/utils/imports.util.js');
  if (typedImports.validateSync !== cv.validateSync) problems.push('nest-typed-config uses another class-validator');
  if (typedImports.plainToClass !== ct.plainToClass) problems.push('nest-typed-config uses another class-transformer');
  const ourValidate = rootRequire.resolve('class-validator', { paths: [path.join(repoRoot, 'dist')] });
  if (ourValidate !== rootRequire.resolve('class-validator')) problems.push('dist/ resolves another class-validator');
  if (problems.length)
    throw new Error(
      `bench: more than one copy of a shared package (run from the repository root):\n${problems.join('\n')}`,
    );
}

/**
 * class-validator's default container finds the instance of a rule's
 * constraint class with a linear search over every rule registered in the
 * process (`instances.find`, one entry per decorator use), on every check:
 * validating N rules costs O(N²). At 20,000 keys that search alone takes
 * seconds and dwarfs every library measured here, floor included. Unless told
 * otherwise, the bench installs this Map-backed container (what an app with
 * many DTOs can do through `useContainer`), for every competitor alike.
 */
export function useMapContainer() {
  const instances = new Map();
  cv.useContainer({
    get(cls) {
      let instance = instances.get(cls);
      if (instance === undefined) {
        instance = new cls();
        instances.set(cls, instance);
      }
      return instance;
    },
  });
}

/** The kubelet atomic writer of the tests (test/helpers/atomic-writer.ts), transpiled: one writer for tests and bench. */
export function atomicWriter() {
  const ts = rootRequire('typescript');
  const source = readFileSync(path.join(repoRoot, 'test/helpers/atomic-writer.ts'), 'utf8');
  const helper = { exports: {} };
  new Function(
    'exports',
    'require',
    'module',
    ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText,
  )(helper.exports, rootRequire, helper);
  return helper.exports;
}

/** The `p`th percentile (0–100) of an ascending list. */
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

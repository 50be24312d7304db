import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

type LoadLazily = <M>(viaRequire: () => M, viaImport: () => Promise<M>) => Promise<M>;

/**
 * lib/load-lazily.ts compiled as the build does, and run as a bundler runs a
 * CommonJS module: inside a function given `exports` (rolldown's and esbuild's
 * `__commonJS` wrappers in an ES-module bundle, where Node defines no
 * `__filename`), or with the `__filename` a file has.
 */
function compiledLoadLazily(filename?: string): LoadLazily {
  const source = readFileSync(path.join(__dirname, '../lib/load-lazily.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const exports: { loadLazily?: LoadLazily } = {};
  if (filename === undefined) new Function('exports', outputText)(exports);
  else new Function('exports', '__filename', outputText)(exports, filename);
  return exports.loadLazily!;
}

describe('loadLazily where the package is bundled', () => {
  it('in an ES-module bundle (no __filename) loads through the bundled require, not a ReferenceError', async () => {
    const loadLazily = compiledLoadLazily();
    expect(
      await loadLazily(
        () => 'required',
        () => Promise.resolve('imported'),
      ),
    ).toBe('required');
  });

  it('in a CommonJS bundle named .cjs loads through require (a bundle is never TypeScript)', async () => {
    const loadLazily = compiledLoadLazily('/srv/fn/index.cjs');
    expect(
      await loadLazily(
        () => 'required',
        () => Promise.resolve('imported'),
      ),
    ).toBe('required');
  });

  it('from the built dist/*.js loads through require', async () => {
    const loadLazily = compiledLoadLazily('/app/node_modules/nestjs-ini-secrets/dist/sources/read.js');
    expect(
      await loadLazily(
        () => 'required',
        () => Promise.resolve('imported'),
      ),
    ).toBe('required');
  });

  it('from the TypeScript sources (vitest) loads through import()', async () => {
    const loadLazily = compiledLoadLazily('/work/lib/sources/read.ts');
    expect(
      await loadLazily(
        () => 'required',
        () => Promise.resolve('imported'),
      ),
    ).toBe('imported');
  });
});

describe('spawnCommand on Windows', () => {
  it('goes through cross-spawn: a command not found as an .exe runs through %comspec% with /d /s /c', async () => {
    const { spawnCommand } = await import('../lib/cli/children.js');
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    const comspec = process.env.comspec;
    Object.defineProperty(process, 'platform', { ...platform, value: 'win32' });
    process.env.comspec = '/nonexistent/atk15-cmd.exe';
    try {
      const child = spawnCommand('atk15-missing', ['a b'], { stdio: 'ignore' });
      const failed = new Promise<string>((resolve) =>
        child.once('error', (e: NodeJS.ErrnoException) => resolve(e.code!)),
      );
      expect(child.spawnargs).toEqual(['/nonexistent/atk15-cmd.exe', '/d', '/s', '/c', '"atk15-missing ^"a^ b^""']);
      expect(await failed).toBe('ENOENT');
    } finally {
      Object.defineProperty(process, 'platform', platform);
      if (comspec === undefined) delete process.env.comspec;
      else process.env.comspec = comspec;
    }
  });

  it('elsewhere runs the command itself', async () => {
    const { spawnCommand } = await import('../lib/cli/children.js');
    const child = spawnCommand('atk15-missing', ['a b'], { stdio: 'ignore' });
    const failed = new Promise<string>((resolve) =>
      child.once('error', (e: NodeJS.ErrnoException) => resolve(e.code!)),
    );
    expect(child.spawnargs).toEqual(['atk15-missing', 'a b']);
    expect(await failed).toBe('ENOENT');
  });
});

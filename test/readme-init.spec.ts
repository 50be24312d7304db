/**
 * README's `init --sections` example, run as written: its DTOs compiled as
 * tsc would (decorator metadata on), its command run in-process, the file
 * compared with the one README shows (tokens by length and alphabet).
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli, tempDir } from './helpers/cli';
import { readmeExample, readmeOutput, shellCommands } from './helpers/readme';

/** A project with README's DTOs built to dist/secrets.js, this package and its dependencies in node_modules. */
function readmeProject(): { dir: string; env: Record<string, string> } {
  const home = tempDir('nis-readme-init-');
  const dir = path.join(home, 'project');
  const modules = path.join(dir, 'node_modules');
  mkdirSync(modules, { recursive: true });
  for (const name of readdirSync(path.resolve('node_modules'))) {
    if (!name.startsWith('.')) symlinkSync(path.resolve('node_modules', name), path.join(modules, name));
  }
  symlinkSync(path.resolve('.'), path.join(modules, 'nestjs-ini-secrets'));
  const { outputText } = ts.transpileModule(readmeExample('init-sections-dtos'), {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  });
  mkdirSync(path.join(dir, 'dist'));
  writeFileSync(path.join(dir, 'dist/secrets.js'), outputText);
  return { dir, env: cleanEnv(home) };
}

/**
 * `expected` as a pattern: each value of 16+ hex digits stands for a hex
 * token of that length, each other value of 16+ base64url characters for a
 * base64url token of that length; everything else is literal.
 */
function shapeOf(expected: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const lines = expected.split('\n').map((line) => {
    const token = /^(.* = )([A-Za-z0-9_-]{16,})$/.exec(line);
    if (!token) return escape(line);
    const alphabet = /^[0-9a-f]+$/.test(token[2]!) ? '[0-9a-f]' : '[A-Za-z0-9_-]';
    return `${escape(token[1]!)}${alphabet}{${token[2]!.length}}`;
  });
  return new RegExp(`^${lines.join('\n')}$`);
}

describe("README: init --sections writes the app's sections", () => {
  it('the example command writes the file README shows; filled in, it passes check', async () => {
    const { dir, env } = readmeProject();
    const commands = shellCommands(readmeExample('init-sections'));
    expect(commands).toEqual(['npx nest-secrets init -e production --sections dist/secrets.js']);
    const args = commands[0]!.split(' ').slice(2);
    const init = await runCli(args, { cwd: dir, env, installed: true });
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    const file = path.join(dir, 'production-secrets.ini');
    const written = readFileSync(file, 'utf8');
    const expected = readmeOutput('init-sections');
    if (!shapeOf(expected).test(written)) expect(written).toBe(expected);
    expect(written).toMatch(/^secret = [0-9a-f]{64}$/m);
    expect(written).toMatch(/^# signing_key = [A-Za-z0-9_-]{40}$/m);

    writeFileSync(
      file,
      written.replace(/^url =$/m, 'url = postgres://app:pw@db:5432/app').replace(/^pool_size =$/m, 'pool_size = 10'),
    );
    const check = await runCli(['check', '-e', 'production', '--sections', 'dist/secrets.js'], {
      cwd: dir,
      env,
      installed: true,
    });
    expect(check).toEqual({
      status: 0,
      signal: null,
      stdout: `${file}: ok (environment production; 2 sections: session, database; 3 keys)\n`,
      stderr: '',
    });
  });
});

/**
 * Attacks on the #14 CLI features (exec --env, check/keys --json, hooks,
 * init --sections, the editor command): each test is a defect found and fixed.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli, tempDir, write } from './helpers/cli';

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

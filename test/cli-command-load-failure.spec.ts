/**
 * A command whose files fail to load (a broken install, a file missing from
 * the package) is reported as any other unexpected error: one line, exit 1,
 * never an unhandled rejection. Isolated (vitest.config.mts): it replaces a
 * command module for this file only.
 */
import { describe, expect, it, vi } from 'vitest';
import { runCli, tempDir } from './helpers/cli';

vi.mock('../lib/cli/keys', () => {
  throw new TypeError('a broken install');
});

describe('a command module that fails to load', () => {
  it('is "unexpected Error" (vitest wraps the factory’s TypeError), exit 1, its message not shown', async () => {
    const dir = tempDir('nis-load-');
    const result = await runCli(['keys', '-e', 'development'], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: 'nest-secrets: unexpected Error; set NEST_SECRETS_DEBUG=1 to see the stack\n',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { project, runCli, runCliProcess } from './helpers/cli';

describe('nest-secrets: usage and exit codes', () => {
  const commands = [
    ['keygen'],
    ['encrypt'],
    ['decrypt'],
    ['edit'],
    ['recipients'],
    ['recipients', 'add'],
    ['recipients', 'rm'],
    ['recipients', 'list'],
    ['diff-driver'],
    ['diff-driver', 'install'],
  ];

  it.each(commands.map((words) => [words.join(' '), words]))('%s --help exits 0 with usage', async (_name, words) => {
    const { dir, env } = project();
    const result = await runCli([...(words as string[]), '--help'], { cwd: dir, env });
    expect(result.status).toBe(0);
    expect(result.stdout.startsWith(`Usage: nest-secrets ${(words as string[]).join(' ')} `)).toBe(true);
  });

  it('--help lists the commands (textconv is hidden)', async () => {
    const { dir, env } = project();
    const result = await runCli(['--help'], { cwd: dir, env });
    expect(result.status).toBe(0);
    for (const command of ['keygen', 'encrypt', 'decrypt', 'edit', 'recipients', 'diff-driver']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    expect(result.stdout).not.toContain('textconv');
  });

  it('--version prints the package version', async () => {
    const { dir, env } = project();
    const result = await runCli(['--version'], { cwd: dir, env });
    expect(result).toMatchObject({ status: 0, stdout: '0.1.0\n' });
  });

  it.each([
    ['no command', [], ''],
    ['unknown command', ['encrpyt'], "error: unknown command 'encrpyt'\n(Did you mean encrypt?)\n"],
    ['unknown option', ['encrypt', '-e', 'production', '--force'], "error: unknown option '--force'\n"],
    ['missing --environment', ['encrypt'], "error: required option '-e, --environment <names>' not specified\n"],
    ['missing option argument', ['decrypt', '-e'], "error: option '-e, --environment <name>' argument missing\n"],
    [
      'an environment name that is not a path segment',
      ['decrypt', '-e', '../../etc/passwd'],
      `error: option '-e, --environment <name>' argument '../../etc/passwd' is invalid. environment name "../../etc/passwd" (set by the environment option) is invalid: use letters, digits, "_", "." and "-", starting with a letter or digit, without ".."\n`,
    ],
    [
      'a list where one environment is taken',
      ['edit', '-e', 'production,staging'],
      "error: option '-e, --environment <name>' argument 'production,staging' is invalid. this command takes one environment, not a list.\n",
    ],
    [
      'an empty list',
      ['encrypt', '-e', ','],
      "error: option '-e, --environment <names>' argument ',' is invalid. give at least one environment name.\n",
    ],
    ['missing recipients', ['recipients', 'add'], "error: missing required argument 'age1…'\n"],
    [
      'excess arguments',
      ['decrypt', '-e', 'production', 'extra'],
      "error: too many arguments for 'decrypt'. Expected 0 arguments but got 1.\n",
    ],
  ])('bad usage (%s) exits 2', async (_name, args, stderr) => {
    const { dir, env } = project();
    const result = await runCli(args as string[], { cwd: dir, env });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    if (stderr) expect(result.stderr).toBe(stderr);
  });

  it('a secrets problem exits 1 with the core error format', async () => {
    const { dir, env } = project();
    const result = await runCli(['decrypt', '-e', 'production'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `${dir}/production-secrets.ini.age: encrypted secrets file not found (\`nest-secrets encrypt -e production\` makes it from the plaintext; \`nest-secrets edit -e production\` creates it)\n`,
    );
  });
});

describe('the built bin, as a process', () => {
  it('exits with the code main returns: 0, 1 for a secrets problem, 2 for bad usage', () => {
    const { dir, env } = project();
    expect(runCliProcess(['--version'], { cwd: dir, env })).toMatchObject({ status: 0, signal: null, stderr: '' });
    expect(runCliProcess(['decrypt', '-e', 'production'], { cwd: dir, env })).toMatchObject({ status: 1, stdout: '' });
    expect(runCliProcess(['no-such-command'], { cwd: dir, env })).toMatchObject({ status: 2, stdout: '' });
  });
});

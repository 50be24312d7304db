import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, project, run, runCli, write } from './helpers/cli';

const RECIPIENT_LINE = /^age1[02-9ac-hj-np-z]{58}\n$/;

describe('nest-secrets keygen', () => {
  it('writes the default identity file with mode 0600 and prints its public key, as age-keygen would', async () => {
    const { home, dir, env } = project();
    const result = await runCli(['keygen'], { cwd: dir, env });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(RECIPIENT_LINE);
    const file = path.join(home, '.config/nest-secrets/age-keys.txt');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toMatch(
      /^# created: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n# public key: age1\w{58}\nAGE-SECRET-KEY-1[0-9A-Z]{58}\n$/,
    );
    // The real age tool derives the same public key from the file.
    expect(run('age-keygen', ['-y', file]).toString()).toBe(result.stdout);
    expect(result.stderr).toContain(`Wrote a new identity to ${file} (mode 0600).`);
    expect(result.stderr).not.toContain('AGE-SECRET-KEY');
  });

  // Subprocess: the umask is the process's.
  it('mode is 0600 whatever the umask', async () => {
    const { dir, env } = project();
    const r = spawnSync('sh', ['-c', `umask 000; exec "${process.execPath}" "${CLI}" keygen --out k.txt`], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(statSync(path.join(dir, 'k.txt')).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite an existing identity (exit 1, file untouched)', async () => {
    const { dir, env } = project();
    expect((await runCli(['keygen', '--out', 'me.txt'], { cwd: dir, env })).status).toBe(0);
    const before = readFileSync(path.join(dir, 'me.txt'));
    const again = await runCli(['keygen', '--out', 'me.txt'], { cwd: dir, env });
    expect(again.status).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(
      `nest-secrets: ${path.join(dir, 'me.txt')} already exists; refusing to overwrite an identity (it may be the only key to your secrets). Choose another --out.\n`,
    );
    expect(readFileSync(path.join(dir, 'me.txt')).equals(before)).toBe(true);
  });

  it('inside a git work tree, .gitignore gains the identity file once', async () => {
    const { dir, env } = project({ git: true });
    write(dir, '.gitignore', 'node_modules/'); // no final newline
    const result = await runCli(['keygen', '--out', 'keys/me.txt'], { cwd: dir, env });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`Added /keys/me.txt to ${path.join(dir, '.gitignore')}.`);
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\n/keys/me.txt\n');
    // Already listed (e.g. the file was deleted and made again): not added twice.
    run('rm', [path.join(dir, 'keys/me.txt')]);
    expect(
      (await runCli(['keygen', '--out', path.join(dir, 'keys/me.txt')], { cwd: path.join(dir, 'keys'), env })).status,
    ).toBe(0);
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\n/keys/me.txt\n');
    // Run from a subdirectory: the entry is anchored at the top of the work tree.
    expect((await runCli(['keygen', '--out', 'other.txt'], { cwd: path.join(dir, 'keys'), env })).status).toBe(0);
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\n/keys/me.txt\n/keys/other.txt\n');
    expect(run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, env }).toString()).toBe(
      '?? .gitignore\n',
    );
  });

  it('a file git already ignores adds no line', async () => {
    const { dir, env } = project({ git: true });
    write(dir, '.gitignore', '*.txt\n');
    expect((await runCli(['keygen', '--out', 'me.txt'], { cwd: dir, env })).status).toBe(0);
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('*.txt\n');
  });

  it('outside a git work tree, no .gitignore is written', async () => {
    const { dir, env } = project();
    expect((await runCli(['keygen', '--out', 'me.txt'], { cwd: dir, env })).status).toBe(0);
    expect(existsSync(path.join(dir, '.gitignore'))).toBe(false);
  });
  it('a name with [ ] * ? \\ or a trailing space gets an escaped .gitignore line that git matches', async () => {
    const { dir, env } = project({ git: true });
    const gitignore = path.join(dir, '.gitignore');
    const cases: [string, string][] = [
      ['keys/id[prod].txt', '/keys/id\\[prod].txt'],
      ['keys/a*b?.txt', '/keys/a\\*b\\?.txt'],
      ['keys/back\\slash.txt', '/keys/back\\\\slash.txt'],
      ['keys/trail.txt  ', '/keys/trail.txt\\ \\ '],
    ];
    let expected = '';
    for (const [name, line] of cases) {
      const out = path.join(dir, name);
      const result = await runCli(['keygen', '--out', name], { cwd: dir, env });
      expected += `${line}\n`;
      expect(result).toMatchObject({
        status: 0,
        stderr:
          `Wrote a new identity to ${out} (mode 0600). Keep it private and backed up.\n` +
          `Added ${line} to ${gitignore}.\n` +
          `Public key (above): let others encrypt to it with \`nest-secrets recipients add ${result.stdout.trim()}\`.\n`,
      });
      expect(readFileSync(gitignore, 'utf8')).toBe(expected);
      expect(spawnSync('git', ['check-ignore', '-q', '--', name], { cwd: dir, env }).status).toBe(0);
    }
    // Only .gitignore shows: every identity file is ignored.
    expect(run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, env }).toString()).toBe(
      '?? .gitignore\n',
    );
  });

  it('warns, naming the file, when git still does not ignore it after the line is added', async () => {
    const { dir, env } = project({ git: true });
    write(dir, 'keys/.gitignore', '!/forced.txt\n');
    const out = path.join(dir, 'keys/forced.txt');
    const result = await runCli(['keygen', '--out', 'keys/forced.txt'], { cwd: dir, env });
    expect(result.status).toBe(0);
    expect(result.stderr.split('\n')).toEqual([
      `Wrote a new identity to ${out} (mode 0600). Keep it private and backed up.`,
      `Added /keys/forced.txt to ${path.join(dir, '.gitignore')}.`,
      `warning: ${out} is not ignored by git: add it to .gitignore yourself, and never commit it.`,
      `Public key (above): let others encrypt to it with \`nest-secrets recipients add ${result.stdout.trim()}\`.`,
      '',
    ]);
    expect(result.stdout + result.stderr).not.toContain('AGE-SECRET-KEY-');
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageEncrypt, project, run, runCli, withKey, write } from './helpers/cli';

describe('nest-secrets diff-driver install', () => {
  function repository() {
    const p = project({ git: true });
    write(p.dir, '.age-recipients', `${p.alice.recipient}\n`);
    const file = path.join(p.dir, 'production-secrets.ini.age');
    writeFileSync(file, ageEncrypt([p.alice.recipient], '[app]\nsecret = before\n', true));
    return { ...p, file };
  }

  it('adds the .gitattributes line once and sets diff.nest-secrets.textconv', async () => {
    const { dir, env } = repository();
    write(dir, '.gitattributes', '*.png binary');
    const first = await runCli(['diff-driver', 'install'], { cwd: dir, env });
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(
      `Added "*-secrets.ini.age diff=nest-secrets" to ${path.join(dir, '.gitattributes')} (commit it).\n` +
        `Set diff.nest-secrets.textconv in ${dir}'s git config (each clone runs this once).\n`,
    );
    expect((await runCli(['diff-driver', 'install', '--dir', dir], { cwd: '/', env })).status).toBe(0);
    expect(readFileSync(path.join(dir, '.gitattributes'), 'utf8')).toBe(
      '*.png binary\n*-secrets.ini.age diff=nest-secrets\n',
    );
    expect(run('git', ['config', '--local', 'diff.nest-secrets.textconv'], { cwd: dir, env }).toString()).toMatch(
      / textconv\n$/,
    );
  });

  it('git diff shows decrypted text to key holders and the armored file to others, never failing', async () => {
    const { dir, env, file, alice } = repository();
    expect((await runCli(['diff-driver', 'install'], { cwd: dir, env })).status).toBe(0);
    run('git', ['add', '.'], { cwd: dir, env });
    run('git', ['commit', '-qm', 'secrets'], { cwd: dir, env });
    write(dir, 'production-secrets.ini', '[app]\nsecret = after\n');
    expect((await runCli(['encrypt', '-e', 'production'], { cwd: dir, env })).status).toBe(0);

    const holder = run('git', ['diff', '--', path.basename(file)], { cwd: dir, env: withKey(env, alice) }).toString();
    expect(holder).toContain('\n-secret = before\n+secret = after\n');
    expect(holder).not.toContain('BEGIN AGE');

    const outsider = run('git', ['diff', '--', path.basename(file)], { cwd: dir, env }).toString();
    expect(outsider).toContain(' -----BEGIN AGE ENCRYPTED FILE-----\n');
    expect(outsider).not.toContain('secret = ');

    // Even a file that is not age at all is shown as it is.
    write(dir, 'production-secrets.ini.age', 'not age\n');
    expect(
      run('git', ['diff', '--', path.basename(file)], { cwd: dir, env: withKey(env, alice) }).toString(),
    ).toContain('\n+not age\n');
  });

  it('outside a git work tree it is an error', async () => {
    const { dir, env } = project();
    const result = await runCli(['diff-driver', 'install'], { cwd: dir, env });
    expect(result).toMatchObject({ status: 1, stderr: `nest-secrets: ${dir} is not inside a git work tree.\n` });
  });
});

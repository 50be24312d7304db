import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, cleanEnv, gitInit, run, runCli, tempDir, write } from './helpers/cli';

/** A git work tree with an isolated HOME. */
function repo(): { dir: string; env: Record<string, string>; home: string } {
  const home = tempDir('nis-hook-');
  const dir = path.join(home, 'project');
  const env = cleanEnv(home);
  gitInit(dir, env);
  return { dir, env, home };
}

/** `git commit`, as a user runs it: the hook decides (a subprocess: git runs the built bin). */
function commit(dir: string, env: Record<string, string>, message = 'change') {
  return spawnSync('git', ['commit', '-q', '-m', message], { cwd: dir, env, encoding: 'utf8' });
}

function commits(dir: string, env: Record<string, string>): number {
  const r = spawnSync('git', ['rev-list', '--count', 'HEAD'], { cwd: dir, env, encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : 0;
}

const LINE = `node ${CLI} hook run || exit 1`;

describe('nest-secrets hook install', () => {
  it('installs an executable pre-commit hook that refuses a staged plaintext secrets file, naming it and the fix', async () => {
    const { dir, env } = repo();
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    const hook = path.join(dir, '.git/hooks/pre-commit');
    expect(result.stdout).toBe(
      `Installed ${hook}: commits that stage a plaintext *-secrets.ini are refused (list placeholder-only files in ${path.join(dir, '.nest-secrets-allow')}).\n`,
    );
    expect(result.status).toBe(0);
    expect(statSync(hook).mode & 0o777).toBe(0o755);
    expect(readFileSync(hook, 'utf8')).toContain('# nest-secrets pre-commit hook');

    write(dir, 'README', 'hello\n');
    write(dir, 'config/production-secrets.ini', '[session]\nsecret = 0123456789abcdef\n');
    run('git', ['add', 'README', 'config/production-secrets.ini'], { cwd: dir, env });
    const refused = commit(dir, env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      'nest-secrets: refusing to commit plaintext secrets:\n' +
        '  config/production-secrets.ini: encrypt it (nest-secrets encrypt --environment production --dir config), ' +
        'stage the .age file, and unstage this one (git rm --cached config/production-secrets.ini)\n' +
        'A file that holds only placeholders may be listed in .nest-secrets-allow.\n',
    );
    expect(refused.stderr).not.toContain('0123456789abcdef');
    expect(commits(dir, env)).toBe(0);

    // The fix it names: the plaintext unstaged, the rest commits.
    run('git', ['rm', '-q', '--cached', 'config/production-secrets.ini'], { cwd: dir, env });
    write(dir, 'config/production-secrets.ini.age', 'armored stand-in\n');
    run('git', ['add', 'config/production-secrets.ini.age'], { cwd: dir, env });
    expect(commit(dir, env).status).toBe(0);
    expect(commits(dir, env)).toBe(1);
  });

  it('refuses backups that init --force keeps, and names every refused file', async () => {
    const { dir, env } = repo();
    expect((await runCli(['hook', 'install'], { cwd: dir, env })).status).toBe(0);
    write(dir, 'development-secrets.ini', '[a]\nb = c\n');
    write(dir, 'development-secrets.ini.bak-20250101T000000Z', '[a]\nb = c\n');
    run('git', ['add', '.'], { cwd: dir, env });
    const refused = commit(dir, env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      'nest-secrets: refusing to commit plaintext secrets:\n' +
        '  development-secrets.ini: encrypt it (nest-secrets encrypt --environment development), ' +
        'stage the .age file, and unstage this one (git rm --cached development-secrets.ini)\n' +
        '  development-secrets.ini.bak-20250101T000000Z: a backup of a secrets file; unstage it ' +
        '(git rm --cached development-secrets.ini.bak-20250101T000000Z) and delete it\n' +
        'A file that holds only placeholders may be listed in .nest-secrets-allow.\n',
    );
  });

  it.each([
    ['production-secrets.ini~'],
    ['config/.production-secrets.ini.swp'],
    ['config/.production-secrets.ini.swo'],
    ['#production-secrets.ini#'],
    ['production-secrets.ini.bak'],
    ['production-secrets.ini.orig'],
    ['production-secrets.ini.tmp'],
    ['production-secrets.ini___jb_tmp___'],
    ['production-secrets.ini___jb_old___'],
    ['.production-secrets.ini.un~'],
    ['config/.production-secrets.ini.kate-swp'],
    ['production-secrets.ini.save'],
    ['.#production-secrets.ini'],
    ['config/.#Production-Secrets.INI'],
  ])('refuses a staged editor backup %s, naming it and what it is (hook run in-process)', async (name) => {
    const { dir, env } = repo();
    write(dir, name, '[session]\nsecret = 0123456789abcdef\n');
    write(dir, 'production-secrets.ini.age', 'armored stand-in\n');
    run('git', ['add', '-f', '--', name, 'production-secrets.ini.age'], { cwd: dir, env });
    const result = await runCli(['hook', 'run'], { cwd: dir, env });
    const quoted = /^[A-Za-z0-9_./-]+$/.test(name) ? name : `'${name}'`;
    expect(result.stderr).toBe(
      'nest-secrets: refusing to commit plaintext secrets:\n' +
        `  ${name}: an editor's backup or swap file of a secrets file, holding the same secrets; ` +
        `unstage it (git rm --cached ${quoted}) and delete it\n` +
        'A file that holds only placeholders may be listed in .nest-secrets-allow.\n',
    );
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
  });

  it('lets through names that only look like backups, and a listed backup', async () => {
    const { dir, env } = repo();
    for (const name of ['production-secrets.ini.age', 'production-secrets.ini.example', 'notes.swp', 'a.ini~']) {
      write(dir, name, 'x\n');
    }
    run('git', ['add', '.'], { cwd: dir, env });
    expect(await runCli(['hook', 'run'], { cwd: dir, env })).toEqual({
      status: 0,
      signal: null,
      stdout: '',
      stderr: '',
    });
    write(dir, 'fixtures/test-secrets.ini~', '[a]\nb = placeholder\n');
    write(dir, '.nest-secrets-allow', 'fixtures/\n');
    run('git', ['add', '.'], { cwd: dir, env });
    expect((await runCli(['hook', 'run'], { cwd: dir, env })).status).toBe(0);
  });

  it('paths and globs in .nest-secrets-allow may be committed; others still may not', async () => {
    const { dir, env } = repo();
    expect((await runCli(['hook', 'install'], { cwd: dir, env })).status).toBe(0);
    write(dir, '.nest-secrets-allow', '# the sample app holds placeholders only\nsample/*-secrets.ini\n');
    write(dir, 'sample/development-secrets.ini', '[a]\nb = placeholder\n');
    write(dir, 'sample/test-secrets.ini', '[a]\nb = placeholder\n');
    run('git', ['add', '.'], { cwd: dir, env });
    expect(commit(dir, env).status).toBe(0);

    write(dir, 'sample/nested/production-secrets.ini', '[a]\nb = c\n');
    run('git', ['add', '.'], { cwd: dir, env });
    const refused = commit(dir, env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('  sample/nested/production-secrets.ini: encrypt it');
    expect(commits(dir, env)).toBe(1);
  });

  it('removing a plaintext file from the repository is allowed', async () => {
    const { dir, env } = repo();
    write(dir, 'production-secrets.ini', '[a]\nb = c\n');
    run('git', ['add', '.'], { cwd: dir, env });
    expect(commit(dir, env).status).toBe(0); // before the hook
    expect((await runCli(['hook', 'install'], { cwd: dir, env })).status).toBe(0);
    run('git', ['rm', '-q', '--cached', 'production-secrets.ini'], { cwd: dir, env });
    expect(commit(dir, env).status).toBe(0);
    expect(commits(dir, env)).toBe(2);
  });

  it('works with only git, sh and node on PATH', async () => {
    const { dir, env, home } = repo();
    expect((await runCli(['hook', 'install'], { cwd: dir, env })).status).toBe(0);
    const bin = path.join(home, 'bin');
    mkdirSync(bin);
    for (const tool of ['git', 'sh']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(found, path.join(bin, tool));
    }
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const bare = { ...env, PATH: bin };
    write(dir, 'production-secrets.ini', '[a]\nb = c\n');
    run('git', ['add', '.'], { cwd: dir, env });
    const refused = commit(dir, bare);
    expect(refused.stderr).toContain('nest-secrets: refusing to commit plaintext secrets:\n  production-secrets.ini:');
    expect(refused.status).toBe(1);
    run('git', ['rm', '-q', '--cached', 'production-secrets.ini'], { cwd: dir, env });
    write(dir, 'README', 'ok\n');
    run('git', ['add', 'README'], { cwd: dir, env });
    const allowed = commit(dir, bare);
    expect(allowed.stderr).toBe('');
    expect(allowed.status).toBe(0);
  });

  it('honours core.hooksPath', async () => {
    const { dir, env } = repo();
    run('git', ['config', 'core.hooksPath', '../shared-hooks'], { cwd: dir, env });
    const result = await runCli(['hook', 'install'], { cwd: path.join(dir), env });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const hook = path.join(path.dirname(dir), 'shared-hooks/pre-commit');
    expect(readFileSync(hook, 'utf8')).toContain(`\ncli=${CLI}\n`);
    expect(existsSync(path.join(dir, '.git/hooks/pre-commit'))).toBe(false);
    write(dir, 'test-secrets.ini', '[a]\nb = c\n');
    run('git', ['add', '.'], { cwd: dir, env });
    expect(commit(dir, env).stderr).toContain('  test-secrets.ini: encrypt it');
  });

  it('core.hooksPath inside the work tree (committed hooks): a warning, and a portable hook run through npx', async () => {
    const { dir, env: base } = repo();
    const env = { ...base, npm_config_update_notifier: 'false' };
    run('git', ['config', 'core.hooksPath', '.githooks'], { cwd: dir, env });
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    const hook = path.join(dir, '.githooks/pre-commit');
    expect(result).toEqual({
      status: 0,
      signal: null,
      stdout:
        `Installed ${hook}: commits that stage a plaintext *-secrets.ini are refused ` +
        `(list placeholder-only files in ${path.join(dir, '.nest-secrets-allow')}).\n`,
      stderr:
        'warning: core.hooksPath (.githooks) is inside the work tree, so its hooks are usually committed and run in ' +
        'every clone: the hook runs `npx --no-install nest-secrets hook run` (no path of this machine). ' +
        'Commit it, and have each clone install the package and set core.hooksPath.\n',
    });
    expect(readFileSync(hook, 'utf8')).toBe(
      '#!/bin/sh\n# nest-secrets pre-commit hook (written by `nest-secrets hook install`): refuses commits that\n' +
        '# stage a plaintext *-secrets.ini file unless .nest-secrets-allow lists it.\n' +
        'exec npx --no-install nest-secrets hook run\n',
    );
    expect(statSync(hook).mode & 0o777).toBe(0o755);
    // The project's node_modules/.bin, as npm fills it: npx runs the built CLI from there.
    mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
    symlinkSync(CLI, path.join(dir, 'node_modules/.bin/nest-secrets'));
    write(dir, 'package.json', '{ "name": "app", "private": true }\n');
    write(dir, '.gitignore', '/node_modules/\n');
    write(dir, 'test-secrets.ini', '[a]\nb = c\n');
    run('git', ['add', '.'], { cwd: dir, env });
    const refused = commit(dir, env);
    expect(refused.stderr).toBe(
      'nest-secrets: refusing to commit plaintext secrets:\n' +
        '  test-secrets.ini: encrypt it (nest-secrets encrypt --environment test), ' +
        'stage the .age file, and unstage this one (git rm --cached test-secrets.ini)\n' +
        'A file that holds only placeholders may be listed in .nest-secrets-allow.\n',
    );
    expect(refused.status).toBe(1);
    // A hook of its own there gets the portable line to add.
    write(dir, '.githooks/pre-commit', '#!/bin/sh\nnpm run lint\n', 0o755);
    const other = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(other.stderr.split('\n').slice(1)).toEqual([
      `nest-secrets: ${hook} exists and was not written by nest-secrets; it is left as it is. ` +
        'Add this line to it (before any `exit`), then run `nest-secrets hook install` again to confirm:',
      '  npx --no-install nest-secrets hook run || exit 1',
      '',
    ]);
    expect(other.status).toBe(1);
  });

  it('leaves an existing hook alone and prints the line to add (exit 1); with the line added, it confirms (exit 0)', async () => {
    const { dir, env } = repo();
    const hook = write(dir, '.git/hooks/pre-commit', '#!/bin/sh\necho lint ok\n', 0o755);
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `nest-secrets: ${hook} exists and was not written by nest-secrets; it is left as it is. ` +
        'Add this line to it (before any `exit`), then run `nest-secrets hook install` again to confirm:\n' +
        `  ${LINE}\n`,
    );
    expect(result.status).toBe(1);
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\necho lint ok\n');

    // The printed line, added as told, does the job.
    write(dir, '.git/hooks/pre-commit', `#!/bin/sh\n${LINE}\necho lint ok\n`, 0o755);
    const confirmed = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(confirmed.stdout).toBe(`${hook} already runs \`nest-secrets hook run\`.\n`);
    expect(confirmed.status).toBe(0);
    write(dir, 'production-secrets.ini', '[a]\nb = c\n');
    run('git', ['add', '.'], { cwd: dir, env });
    const refused = commit(dir, env);
    expect(refused.status).toBe(1);
    expect(refused.stdout).not.toContain('lint ok');
    expect(refused.stderr).toContain('  production-secrets.ini: encrypt it');
  });

  it('run again, it updates its own hook', async () => {
    const { dir, env } = repo();
    expect((await runCli(['hook', 'install'], { cwd: dir, env })).status).toBe(0);
    const again = await runCli(['hook', 'install', '--dir', '.'], { cwd: dir, env });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^Updated .*pre-commit: /);
  });

  it('outside a git work tree it is an error', async () => {
    const dir = tempDir('nis-hook-');
    const result = await runCli(['hook', 'install'], { cwd: dir, env: cleanEnv(dir) });
    expect(result.stderr).toBe(`nest-secrets: ${dir} is not inside a git work tree.\n`);
    expect(result.status).toBe(1);
  });
});

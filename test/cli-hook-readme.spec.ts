/**
 * README's examples of `hook install`, `hook run` and `.nest-secrets-allow`,
 * read from README and run: `npx nest-secrets …` lines in-process, every other
 * line through `sh` in a temp repository (git runs the hook as a subprocess).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GITIGNORE_EDITOR_BACKUPS, GITIGNORE_PLAINTEXT } from '../lib/cli/file-names';
import { cleanEnv, gitInit, run, runCli, tempDir, write, type RunResult } from './helpers/cli';
import { readmeExample, readmeOutput, shellCommands } from './helpers/readme';

function repo(): { dir: string; env: Record<string, string> } {
  const home = tempDir('nis-hookr-');
  const dir = path.join(home, 'project');
  const env = cleanEnv(home, { npm_config_update_notifier: 'false', npm_config_fund: 'false' });
  gitInit(dir, env);
  return { dir, env };
}

/** Runs README's shell example line by line; `npx nest-secrets` lines in-process. */
async function runExample(code: string, dir: string, env: Record<string, string>): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const line of shellCommands(code)) {
    const cli = /^npx nest-secrets (.*)$/.exec(line);
    if (cli) {
      results.push(await runCli(cli[1]!.split(' '), { cwd: dir, env }));
      continue;
    }
    const r = spawnSync('sh', ['-c', line], { cwd: dir, env, encoding: 'utf8' });
    results.push({ status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr });
  }
  return results;
}

describe("README's hook examples", () => {
  it('hook-refuses: .gitignore refuses `git add`; `git add -f` reaches the hook, which names each file', async () => {
    const { dir, env } = repo();
    write(dir, '.gitignore', [GITIGNORE_PLAINTEXT, ...GITIGNORE_EDITOR_BACKUPS, ''].join('\n'));
    write(dir, 'production-secrets.ini', '[session]\nsecret = 0123456789abcdef\n');
    const results = await runExample(readmeExample('hook-refuses'), dir, env);
    expect(results.map((r) => r.status)).toEqual([0, 1, 0, 0, 1]);
    expect(results[1]!.stderr).toContain('Use -f if you really want to add them.');
    expect(results[4]!.stderr).toBe(readmeOutput('hook-refuses'));
    expect(run('git', ['rev-list', '--all', '--count'], { cwd: dir, env }).toString()).toBe('0\n');
  });

  it('hook-husky: after `npx husky init`, .husky/pre-commit runs the check first', async () => {
    const { dir, env } = repo();
    mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
    symlinkSync(path.resolve('node_modules/husky'), path.join(dir, 'node_modules/husky'));
    symlinkSync('../husky/bin.js', path.join(dir, 'node_modules/.bin/husky'));
    write(dir, 'package.json', '{ "name": "app", "private": true }\n');
    const results = await runExample(readmeExample('hook-husky'), dir, env);
    expect(results.map((r) => r.status)).toEqual([0, 0, 0]);
    expect(results[2]!.stdout).toBe(readmeOutput('hook-husky'));
    expect(run('git', ['config', 'core.hooksPath'], { cwd: dir, env }).toString()).toBe('.husky/_\n');
  });

  it('hook-lefthook: the command added to an empty lefthook.yml is the block README shows', async () => {
    const { dir, env } = repo();
    write(dir, 'lefthook.yml', '');
    expect((await runCli(['hook', 'install'], { cwd: dir, env })).status).toBe(0);
    expect(readFileSync(path.join(dir, 'lefthook.yml'), 'utf8')).toBe(readmeExample('hook-lefthook'));
  });
});

describe("README's .nest-secrets-allow example", () => {
  it('allow-list: the hook refuses exactly the paths README says may not be committed', async () => {
    const { dir, env } = repo();
    write(dir, '.nest-secrets-allow', readmeExample('allow-list'));
    const allowed = [
      'sample/development-secrets.ini',
      'test/fixtures/test-secrets.ini',
      'test/unit/fixtures/development-secrets.ini',
      'development-secrets.ini',
      'test-secrets.ini',
      'examples/api/production-secrets.ini',
    ];
    const refused = [
      'sample/old/development-secrets.ini',
      'test/unit/fixtures/production-secrets.ini',
      'production-secrets.ini',
      'config/test-secrets.ini',
    ];
    for (const name of [...allowed, ...refused]) write(dir, name, '[a]\nb = placeholder\n');
    run('git', ['add', '.'], { cwd: dir, env });
    const result = await runCli(['hook', 'run'], { cwd: dir, env });
    expect(result.stderr).toBe(
      'nest-secrets: refusing to commit plaintext secrets:\n' +
        '  config/test-secrets.ini: encrypt it (nest-secrets encrypt --environment test --dir config), ' +
        'stage the .age file, and unstage this one (git rm --cached config/test-secrets.ini)\n' +
        '  production-secrets.ini: encrypt it (nest-secrets encrypt --environment production), ' +
        'stage the .age file, and unstage this one (git rm --cached production-secrets.ini)\n' +
        '  sample/old/development-secrets.ini: encrypt it (nest-secrets encrypt --environment development --dir sample/old), ' +
        'stage the .age file, and unstage this one (git rm --cached sample/old/development-secrets.ini)\n' +
        '  test/unit/fixtures/production-secrets.ini: encrypt it (nest-secrets encrypt --environment production --dir test/unit/fixtures), ' +
        'stage the .age file, and unstage this one (git rm --cached test/unit/fixtures/production-secrets.ini)\n' +
        'A file that holds only placeholders may be listed in .nest-secrets-allow.\n',
    );
    expect(result.status).toBe(1);
    // The prose below the example names the same paths.
    const readme = readFileSync(path.resolve('README.md'), 'utf8');
    const prose = readme.slice(readme.indexOf('With that file, '), readme.indexOf('Patterns are matched by'));
    const [mayBe, mayNot] = prose.split('may be committed;');
    expect([...mayBe!.matchAll(/`([^`]+)`/g)].map((m) => m[1])).toEqual(allowed);
    expect([...mayNot!.matchAll(/`([^`]+)`/g)].map((m) => m[1])).toEqual(refused);
  });
});

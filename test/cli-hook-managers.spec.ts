/**
 * `hook install` with husky 9 and lefthook, each checked by a real `git
 * commit` (a subprocess: git runs the hooks, which run `nest-secrets` (husky
 * 9 puts node_modules/.bin on PATH) or `npx --no-install nest-secrets`
 * (lefthook), resolved through the temp repository's node_modules/.bin to
 * the built CLI). husky and lefthook are the real packages (devDependencies).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { howToAdd, LEFTHOOK_SNIPPET, runsCommand, withCommand } from '../lib/cli/hook-lefthook';
import { CLI, cleanEnv, gitInit, run, runCli, tempDir, write } from './helpers/cli';

const COMMAND = 'npx --no-install nest-secrets hook run';
/** husky 9's line: its `.husky/_/h` runs the hook with node_modules/.bin first on PATH, so no npx (about 300 ms). */
const HUSKY_LINE = 'nest-secrets hook run';
const INACTIVE =
  "husky isn't active in this clone yet (git's core.hooksPath is not set, so git runs no hook of .husky): " +
  'run `npm install`, whose `prepare` script runs husky, or `npx husky`.';
const REFUSAL =
  'nest-secrets: refusing to commit plaintext secrets:\n' +
  '  production-secrets.ini: encrypt it (nest-secrets encrypt --environment production), ' +
  'stage the .age file, and unstage this one (git rm --cached production-secrets.ini)\n' +
  'A file that holds only placeholders may be listed in .nest-secrets-allow.\n';
const TAIL = (file: string) =>
  'commits that stage a plaintext *-secrets.ini are refused (list placeholder-only files in .nest-secrets-allow). ' +
  `Commit ${file} so that every clone runs it.`;

/** A git work tree whose node_modules has `nest-secrets` (the built CLI) and the given packages of this one. */
/**
 * lefthook's binary package for this machine (a devDependency). The \`lefthook\`
 * wrapper package is not used: its optional dependencies name a platform
 * package (android-arm64) that the registry this project installs from does
 * not have, which breaks \`npm ci\`.
 */
const LEFTHOOK_BINARY_PACKAGE = 'lefthook-linux-x64';

function repo(packages: readonly string[] = []): { dir: string; env: Record<string, string> } {
  const home = tempDir('nis-hookm-');
  const dir = path.join(home, 'project');
  const env = cleanEnv(home, { npm_config_update_notifier: 'false', npm_config_fund: 'false' });
  gitInit(dir, env);
  mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(CLI, path.join(dir, 'node_modules/.bin/nest-secrets'));
  for (const name of packages) symlinkSync(path.resolve('node_modules', name), path.join(dir, 'node_modules', name));
  write(dir, '.gitignore', '/node_modules/\n');
  write(dir, 'package.json', '{ "name": "app", "private": true, "scripts": { "test": "echo tests ran" } }\n');
  return { dir, env };
}

function commit(dir: string, env: Record<string, string>) {
  return spawnSync('git', ['commit', '-q', '-m', 'change'], { cwd: dir, env, encoding: 'utf8' });
}

/** Stages a plaintext secrets file: the commit must be refused; then unstages it and stages README. */
function stagePlaintextThenReadme(dir: string, env: Record<string, string>, refused: () => void): void {
  write(dir, 'production-secrets.ini', '[session]\nsecret = 0123456789abcdef\n');
  run('git', ['add', '.'], { cwd: dir, env });
  refused();
  run('git', ['rm', '-q', '--cached', 'production-secrets.ini'], { cwd: dir, env });
  write(dir, 'README', 'hello\n');
  run('git', ['add', '.gitignore', 'README'], { cwd: dir, env });
}

describe('hook install with husky 9', () => {
  it('adds one portable line to .husky/pre-commit (after `husky init`), keeps its lines, never touches .husky/_', async () => {
    const { dir, env } = repo(['husky']);
    run(process.execPath, ['node_modules/husky/bin.js', 'init'], { cwd: dir, env });
    expect(run('git', ['config', 'core.hooksPath'], { cwd: dir, env }).toString()).toBe('.husky/_\n');
    const generated = readFileSync(path.join(dir, '.husky/_/pre-commit'), 'utf8');

    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`Added \`${HUSKY_LINE}\` to .husky/pre-commit (husky): ${TAIL('.husky/pre-commit')}\n`);
    expect(result.status).toBe(0);
    expect(readFileSync(path.join(dir, '.husky/pre-commit'), 'utf8')).toBe(`${HUSKY_LINE}\nnpm test\n`);
    expect(readFileSync(path.join(dir, '.husky/_/pre-commit'), 'utf8')).toBe(generated);

    const again = await runCli(['hook', 'install', '--dir', dir], { cwd: path.dirname(dir), env });
    expect(again.stdout).toBe('Already installed: .husky/pre-commit (husky) runs `nest-secrets hook run`.\n');
    expect(again.status).toBe(0);
    expect(readFileSync(path.join(dir, '.husky/pre-commit'), 'utf8')).toBe(`${HUSKY_LINE}\nnpm test\n`);

    stagePlaintextThenReadme(dir, env, () => {
      const refused = commit(dir, env);
      // git sends a hook's stdout to stderr: husky's last line follows the refusal.
      expect(refused.stderr).toBe(`${REFUSAL}husky - pre-commit script failed (code 1)\n`);
      expect(refused.status).toBe(1);
    });
    const allowed = commit(dir, env);
    expect(allowed.stderr).toContain('\n> echo tests ran\n\ntests ran\n');
    expect(allowed.status).toBe(0);
  });

  it('creates .husky/pre-commit (mode 0755) when husky is installed without one', async () => {
    const { dir, env } = repo(['husky']);
    run(process.execPath, ['node_modules/husky/bin.js'], { cwd: dir, env });
    const result = await runCli(['hook', 'install'], { cwd: path.join(dir, 'node_modules'), env });
    expect(result.stdout).toBe(
      `Created .husky/pre-commit (husky) running \`${HUSKY_LINE}\`: ${TAIL('.husky/pre-commit')}\n`,
    );
    expect(result.status).toBe(0);
    const file = path.join(dir, '.husky/pre-commit');
    expect(readFileSync(file, 'utf8')).toBe(`${HUSKY_LINE}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o755);

    stagePlaintextThenReadme(dir, env, () => {
      const refused = commit(dir, env);
      expect(refused.stderr).toBe(`${REFUSAL}husky - pre-commit script failed (code 1)\n`);
      expect(refused.status).toBe(1);
    });
    expect(commit(dir, env).status).toBe(0);
  });

  it('a .husky directory without core.hooksPath yet (a fresh clone) is husky too; a shebang stays first', async () => {
    const { dir, env } = repo();
    write(dir, '.husky/pre-commit', '#!/usr/bin/env sh\nnpm run lint\n');
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result.stdout).toBe(
      `Added \`${HUSKY_LINE}\` to .husky/pre-commit (husky): ${TAIL('.husky/pre-commit')} ${INACTIVE}\n`,
    );
    expect(readFileSync(path.join(dir, '.husky/pre-commit'), 'utf8')).toBe(
      `#!/usr/bin/env sh\n${HUSKY_LINE}\nnpm run lint\n`,
    );
    const again = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(again.stdout).toBe(
      `Already installed: .husky/pre-commit (husky) runs \`nest-secrets hook run\`. ${INACTIVE}\n`,
    );
  });

  it('the npx line of earlier versions counts as installed: no second line; a commit still runs it', async () => {
    const { dir, env } = repo(['husky']);
    run(process.execPath, ['node_modules/husky/bin.js'], { cwd: dir, env });
    write(dir, '.husky/pre-commit', `${COMMAND}\nnpm test\n`, 0o755);
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result).toEqual({
      status: 0,
      signal: null,
      stdout: 'Already installed: .husky/pre-commit (husky) runs `nest-secrets hook run`.\n',
      stderr: '',
    });
    expect(readFileSync(path.join(dir, '.husky/pre-commit'), 'utf8')).toBe(`${COMMAND}\nnpm test\n`);
    stagePlaintextThenReadme(dir, env, () => {
      const refused = commit(dir, env);
      expect(refused.stderr).toBe(`${REFUSAL}husky - pre-commit script failed (code 1)\n`);
      expect(refused.status).toBe(1);
    });
  });

  it('without nest-secrets in node_modules/.bin, the husky line fails and so does the commit', async () => {
    const { dir, env } = repo(['husky']);
    run(process.execPath, ['node_modules/husky/bin.js'], { cwd: dir, env });
    expect((await runCli(['hook', 'install'], { cwd: dir, env })).status).toBe(0);
    unlinkSync(path.join(dir, 'node_modules/.bin/nest-secrets'));
    // Only git, sh and node's directory on PATH: no global nest-secrets either.
    const bare = { ...env, PATH: ['/usr/bin', '/bin', path.dirname(process.execPath)].join(':') };
    write(dir, 'README', 'hello\n');
    run('git', ['add', 'README'], { cwd: dir, env });
    const refused = commit(dir, bare);
    expect(refused.stderr).toContain('husky - pre-commit script failed (code 127)\n');
    expect(refused.status).toBe(1);
  });
});

describe('hook install with lefthook', () => {
  const CONFIG = '# git hooks of this app\npre-commit:\n  commands:\n    lint:\n      run: echo lint ran\n';

  it('adds the command to lefthook.yml, comments kept; lefthook runs it on a real commit', async () => {
    const { dir, env } = repo([LEFTHOOK_BINARY_PACKAGE]);
    write(dir, 'lefthook.yml', CONFIG);
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `Added \`${COMMAND}\` to pre-commit in lefthook.yml (lefthook): ${TAIL('lefthook.yml')} ` +
        '(Each clone runs `npx lefthook install` once, as for every lefthook command.)\n',
    );
    expect(result.status).toBe(0);
    expect(readFileSync(path.join(dir, 'lefthook.yml'), 'utf8')).toBe(
      `${CONFIG}    nest-secrets:\n      run: ${COMMAND}\n`,
    );
    const again = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(again.stdout).toBe('Already installed: lefthook.yml (lefthook) runs `nest-secrets hook run`.\n');
    expect(again.status).toBe(0);

    run(`node_modules/${LEFTHOOK_BINARY_PACKAGE}/bin/lefthook`, ['install'], { cwd: dir, env });
    stagePlaintextThenReadme(dir, env, () => {
      const refused = commit(dir, env);
      // git sends a hook's stdout to stderr; lefthook frames each command's output with its own lines.
      expect(refused.stderr).toContain(`\n${REFUSAL}`);
      expect(refused.stderr).toContain('\nlint ran\n');
      expect(refused.status).toBe(1);
    });
    const allowed = commit(dir, env);
    expect(allowed.stderr).not.toContain('refusing');
    expect(allowed.stderr).toContain('\nlint ran\n');
    expect(allowed.status).toBe(0);
  });

  it('a file the YAML printer would change is left alone: the snippet is printed (exit 1); added by hand, it confirms', async () => {
    const { dir, env } = repo();
    const config = 'pre-commit:\n  commands:\n    lint:\n      run: npm run lint   # aligned comment\n';
    write(dir, '.lefthook.yml', config);
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'nest-secrets: .lefthook.yml (lefthook) is left as it is: it cannot be edited without changing its other lines ' +
        '(YAML that the printer does not reproduce byte for byte, aliases or merge keys (lefthook resolves them, ' +
        'so an added entry could hide or duplicate commands), a pre-commit entry of another shape, ' +
        'or a nest-secrets entry that runs something else). ' +
        'Under its existing `pre-commit:` → `commands:` (add `commands:` if it has none), add this, ' +
        'then run `nest-secrets hook install` again to confirm:\n' +
        `nest-secrets:\n  run: ${COMMAND}\n`,
    );
    expect(result.status).toBe(1);
    expect(readFileSync(path.join(dir, '.lefthook.yml'), 'utf8')).toBe(config);

    // A second pre-commit block appended (lefthook refuses a duplicate key): not installed.
    write(dir, '.lefthook.yml', `${config}${LEFTHOOK_SNIPPET}`);
    const duplicate = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(duplicate.stdout).toBe('');
    expect(duplicate.stderr).toContain('Under its existing `pre-commit:` → `commands:`');
    expect(duplicate.status).toBe(1);

    write(dir, '.lefthook.yml', `${config}    nest-secrets:\n      run: ${COMMAND}\n`);
    const confirmed = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(confirmed.stdout).toBe('Already installed: .lefthook.yml (lefthook) runs `nest-secrets hook run`.\n');
    expect(confirmed.status).toBe(0);
  });

  it.each([
    ['an empty file', '', LEFTHOOK_SNIPPET],
    [
      'no pre-commit',
      'pre-push:\n  commands:\n    test:\n      run: npm test\n',
      `pre-push:\n  commands:\n    test:\n      run: npm test\n${LEFTHOOK_SNIPPET}`,
    ],
    [
      'a jobs list (first job)',
      'pre-commit:\n  jobs:\n    - name: lint\n      run: npm run lint\n',
      `pre-commit:\n  jobs:\n    - name: nest-secrets\n      run: ${COMMAND}\n    - name: lint\n      run: npm run lint\n`,
    ],
    ['pre-commit not a mapping', 'pre-commit: lint\n', undefined],
    ['commands not a mapping', 'pre-commit:\n  commands: [lint]\n', undefined],
    ['not YAML', 'pre-commit: [\n', undefined],
    [
      'a nest-secrets command of its own',
      'pre-commit:\n  commands:\n    nest-secrets:\n      run: echo mine\n',
      undefined,
    ],
    [
      'a nest-secrets job of its own',
      'pre-commit:\n  jobs:\n    - name: nest-secrets\n      run: echo mine\n',
      undefined,
    ],
    ['a list at the top', '- pre-commit\n', undefined],
  ])('lefthook.yml with %s', (_name, text, edited) => {
    expect(withCommand(text)).toBe(edited);
  });

  it.each([
    ['commands', `pre-commit:\n  commands:\n    secrets:\n      run: ${COMMAND}\n`, true],
    ['jobs', `pre-commit:\n  jobs:\n    - run: ${COMMAND}\n`, true],
    ['Yarn PnP', 'pre-commit:\n  commands:\n    s:\n      run: yarn nest-secrets hook run\n', true],
    [
      'the bin by path (README)',
      'pre-commit:\n  commands:\n    s:\n      run: ./node_modules/.bin/nest-secrets hook run\n',
      true,
    ],
    ['another hook (pre-push)', `pre-push:\n  commands:\n    nest-secrets:\n      run: ${COMMAND}\n`, false],
    ['a comment', `pre-commit:\n  commands:\n    lint:\n      run: npm run lint # ${COMMAND}\n`, false],
    ['another key than run', `pre-commit:\n  commands:\n    s:\n      glob: ${COMMAND}\n`, false],
    ['a duplicate pre-commit key', `pre-commit:\n  commands: {}\n${LEFTHOOK_SNIPPET}`, false],
  ])('runsCommand: the command in pre-commit, %s: %s', (_name, text, runs) => {
    expect(runsCommand(text)).toBe(runs);
  });

  it('the command under pre-push only is not "already installed": it is added to pre-commit', async () => {
    const { dir, env } = repo();
    const config = `pre-push:\n  commands:\n    nest-secrets:\n      run: ${COMMAND}\n`;
    write(dir, 'lefthook.yml', config);
    const result = await runCli(['hook', 'install'], { cwd: dir, env });
    expect(result.stdout).toBe(
      `Added \`${COMMAND}\` to pre-commit in lefthook.yml (lefthook): ${TAIL('lefthook.yml')} ` +
        '(Each clone runs `npx lefthook install` once, as for every lefthook command.)\n',
    );
    expect(readFileSync(path.join(dir, 'lefthook.yml'), 'utf8')).toBe(`${config}${LEFTHOOK_SNIPPET}`);
  });

  it.each([
    [
      'no pre-commit',
      'pre-push: [\n',
      `Add this to it, ${'then run `nest-secrets hook install` again to confirm'}:\n${LEFTHOOK_SNIPPET.trimEnd()}`,
    ],
    [
      'a jobs list',
      'pre-commit:\n  jobs:\n    - run: npm run lint   # aligned\n',
      'Under its existing `pre-commit:` → `jobs:`, add this job (first: it is the fastest), ' +
        `then run \`nest-secrets hook install\` again to confirm:\n- name: nest-secrets\n  run: ${COMMAND}`,
    ],
  ])('howToAdd: %s', (_name, text, told) => {
    expect(howToAdd(text)).toBe(told);
  });
});

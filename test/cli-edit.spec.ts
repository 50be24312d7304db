import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageDecrypt, ageEncrypt, CLI, project, runCli, withKey, write } from './helpers/cli';

const EDITOR = `sh ${path.resolve('test/fixtures/age/editor.sh')} --wait`;

/** A project whose production file is encrypted to alice, and an env that lets the scripted editor run. */
function editing(action: string, text = '', extra: Record<string, string> = {}) {
  const p = project();
  const record = path.join(p.home, 'editor-record.txt');
  write(p.dir, '.age-recipients', `${p.alice.recipient}\n${p.bob.recipient}\n`);
  const file = path.join(p.dir, 'production-secrets.ini.age');
  const original = '[app]\nsecret = "original value"\n';
  writeFileSync(file, ageEncrypt([p.alice.recipient, p.bob.recipient], original, true));
  const env = { ...withKey(p.env, p.alice), EDITOR, RECORD: record, EDIT_ACTION: action, EDIT_TEXT: text, ...extra };
  return { ...p, record, file, original, env, before: readFileSync(file) };
}

/** What the editor saw: the temp file path and the modes of the file and its directory. */
function seen(record: string): { file: string; mode: string; dirMode: string }[] {
  return readFileSync(record, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [file, mode, dirMode] = line.split(' ');
      return { file: file!, mode: mode!, dirMode: dirMode! };
    });
}

function expectTempGone(record: string): void {
  for (const { file } of seen(record)) {
    expect(existsSync(file)).toBe(false);
    expect(existsSync(path.dirname(file))).toBe(false);
  }
}

describe('nest-secrets edit', () => {
  it('change: re-encrypts to the recipients; the temp file was 0600 in a 0700 directory and is gone', () => {
    const { dir, file, env, record, alice, bob } = editing('append', '[db]\npassword = hunter2-canary');
    const result = runCli(['edit', '-e', 'production'], { cwd: dir, env });
    expect(result).toMatchObject({ status: 0, stdout: `Saved ${file} (encrypted for 2 recipients).\n`, stderr: '' });
    const expected = '[app]\nsecret = "original value"\n[db]\npassword = hunter2-canary\n';
    expect(ageDecrypt(alice.file, file)).toBe(expected);
    expect(ageDecrypt(bob.file, file)).toBe(expected);
    const [editorSaw] = seen(record);
    expect(editorSaw).toMatchObject({ mode: '600', dirMode: '700' });
    expect(path.basename(editorSaw!.file)).toBe('production-secrets.ini');
    expect(path.basename(path.dirname(editorSaw!.file))).toMatch(/^nest-secrets-edit-\d+-/);
    expect(path.dirname(editorSaw!.file).startsWith(dir)).toBe(false);
    expectTempGone(record);
  });

  it('no change: the .age file is byte-identical', () => {
    const { dir, file, env, record, before } = editing('none');
    const result = runCli(['edit', '-e', 'production'], { cwd: dir, env });
    expect(result).toMatchObject({ status: 0, stdout: `No changes; ${file} is unchanged.\n` });
    expect(readFileSync(file).equals(before)).toBe(true);
    expectTempGone(record);
  });

  it('editor failure: exit 1, the .age file is byte-identical', () => {
    const { dir, file, env, record, before } = editing('fail', '[db]\npassword = lost');
    const result = runCli(['edit', '-e', 'production'], { cwd: dir, env });
    expect(result).toMatchObject({ status: 1, stdout: '' });
    expect(result.stderr).toBe(`nest-secrets: the editor (${EDITOR}) exited with status 3; ${file} is unchanged.\n`);
    expect(readFileSync(file).equals(before)).toBe(true);
    expectTempGone(record);
  });

  it('broken INI without a terminal: aborts with the problems, exit 1, the .age file byte-identical', () => {
    const { dir, file, env, record, before } = editing('append', 'no-equals-sign-canary');
    const result = runCli(['edit', '-e', 'production'], { cwd: dir, env });
    expect(result).toMatchObject({ status: 1, stdout: '' });
    const [problem, abort] = result.stderr.split('\n');
    expect(problem!.startsWith(`${file}:3 [app]: `)).toBe(true); // line of the decrypted text, named after the .age file
    expect(abort).toBe(`nest-secrets: ${file} is unchanged: the edited text has the problems above.`);
    expect(result.stderr).not.toContain('canary');
    expect(readFileSync(file).equals(before)).toBe(true);
    expectTempGone(record);
  });

  it('on a terminal, broken INI offers to re-open the editor', () => {
    if (spawnSync('script', ['--version']).status !== 0) return; // util-linux `script` provides the terminal
    const { dir, file, env, record, alice } = editing('fix-on-second-run', 'broken-line', {
      EDIT_FIXED: '[app]\nsecret = fixed',
    });
    const command = `"${process.execPath}" "${CLI}" edit -e production`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: dir,
      env,
      input: 'y\n',
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.stdout).toContain('Re-open the editor to fix it? [Y/n]');
    expect(r.stdout).toContain(`Saved ${file}`);
    expect(seen(record)).toHaveLength(2);
    expect(ageDecrypt(alice.file, file)).toBe('[app]\nsecret = fixed\n');
    expectTempGone(record);
  });

  it('creates the file when it does not exist yet', () => {
    const { dir, env, record, alice } = editing('replace', '[app]\nsecret = brand-new');
    const file = path.join(dir, 'staging-secrets.ini.age');
    const result = runCli(['edit', '-e', 'staging'], { cwd: dir, env });
    expect(result).toMatchObject({ status: 0, stdout: `Created ${file} (encrypted for 2 recipients).\n` });
    expect(ageDecrypt(alice.file, file)).toBe('[app]\nsecret = brand-new\n');
    expectTempGone(record);
  });

  it('a new file left empty is not created', () => {
    const { dir, env } = editing('none');
    const result = runCli(['edit', '-e', 'staging'], { cwd: dir, env });
    expect(result).toMatchObject({
      status: 0,
      stdout: `Nothing written; ${path.join(dir, 'staging-secrets.ini.age')} was not created.\n`,
    });
    expect(existsSync(path.join(dir, 'staging-secrets.ini.age'))).toBe(false);
  });

  it('$VISUAL wins over $EDITOR, which wins over vi', () => {
    const { dir, env, record } = editing('none');
    const result = runCli(['edit', '-e', 'production'], { cwd: dir, env: { ...env, VISUAL: EDITOR, EDITOR: 'false' } });
    expect(result.status).toBe(0);
    expect(seen(record)).toHaveLength(1);
  });

  it('fails before opening the editor when the file cannot be decrypted', () => {
    const { dir, file, env, record, before, bob } = editing('append', '[x]\ny = 1');
    write(dir, '.age-recipients', `${bob.recipient}\n`);
    writeFileSync(file, ageEncrypt([bob.recipient], '[a]\nb = 1\n', true));
    const after = readFileSync(file);
    const result = runCli(['edit', '-e', 'production'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file}: no identity from SECRETS_AGE_KEY_FILE`);
    expect(existsSync(record)).toBe(false);
    expect(readFileSync(file).equals(after)).toBe(true);
    expect(before.equals(after)).toBe(false);
  });

  it('refuses to shadow an unencrypted plaintext file', () => {
    const { dir, env, record } = editing('replace', '[a]\nb = 1');
    write(dir, 'staging-secrets.ini', '[a]\nb = 0\n');
    const result = runCli(['edit', '-e', 'staging'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `nest-secrets: ${path.join(dir, 'staging-secrets.ini')} exists but is not encrypted yet: run \`nest-secrets encrypt -e staging\` first.\n`,
    );
    expect(existsSync(record)).toBe(false);
  });
});

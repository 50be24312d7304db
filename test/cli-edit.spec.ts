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
  it('change: re-encrypts to the recipients; the temp file was 0600 in a 0700 directory and is gone', async () => {
    const { dir, file, env, record, alice, bob } = editing('append', '[db]\npassword = hunter2-canary');
    const result = await runCli(['edit', '-e', 'production'], { cwd: dir, env });
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

  it('no change: the .age file is byte-identical', async () => {
    const { dir, file, env, record, before } = editing('none');
    const result = await runCli(['edit', '-e', 'production'], { cwd: dir, env });
    expect(result).toMatchObject({ status: 0, stdout: `No changes; ${file} is unchanged.\n` });
    expect(readFileSync(file).equals(before)).toBe(true);
    expectTempGone(record);
  });

  it('editor failure: exit 1, the .age file is byte-identical', async () => {
    const { dir, file, env, record, before } = editing('fail', '[db]\npassword = lost');
    const result = await runCli(['edit', '-e', 'production'], { cwd: dir, env });
    expect(result).toMatchObject({ status: 1, stdout: '' });
    expect(result.stderr).toBe(`nest-secrets: edit: $EDITOR (${EDITOR}) exited with status 3; ${file} is unchanged.\n`);
    expect(readFileSync(file).equals(before)).toBe(true);
    expectTempGone(record);
  });

  it('broken INI without a terminal: aborts with the problems, exit 1, the .age file byte-identical', async () => {
    const { dir, file, env, record, before } = editing('append', 'no-equals-sign-canary');
    const result = await runCli(['edit', '-e', 'production'], { cwd: dir, env });
    expect(result).toMatchObject({ status: 1, stdout: '' });
    const [problem, abort] = result.stderr.split('\n');
    expect(problem!.startsWith(`${file}:3 [app]: `)).toBe(true); // line of the decrypted text, named after the .age file
    expect(abort).toBe(`nest-secrets: ${file} is unchanged: the edited text has the problems above.`);
    expect(result.stderr).not.toContain('canary');
    expect(readFileSync(file).equals(before)).toBe(true);
    expectTempGone(record);
  });

  // Subprocess: a real terminal (script(1)) and the process's own prompt.
  it('on a terminal, broken INI offers to re-open the editor', async () => {
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

  // Subprocess: Ctrl-C / Ctrl-D typed on a real terminal.
  it.each([
    ['Ctrl-C', '\\003'],
    ['Ctrl-D (end of input)', '\\004'],
  ])('on a terminal, %s at the re-open prompt means no: exit 1, file untouched, no hang', (_, key) => {
    if (spawnSync('script', ['--version']).status !== 0) return; // util-linux `script` provides the terminal
    const { dir, file, env, record, before } = editing('append', 'broken-line-canary');
    const command = `"${process.execPath}" "${CLI}" edit -e production`;
    // The key is typed once the editor has run and the prompt had time to show.
    const feeder = `while [ ! -s "${record}" ]; do sleep 0.1; done; sleep 1; printf '${key}'`;
    const r = spawnSync('sh', ['-c', `(${feeder}) | script -qec '${command}' /dev/null`], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 9_000,
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Re-open the editor to fix it? [Y/n]');
    expect(r.stdout).toContain(`nest-secrets: ${file} is unchanged: the edited text has the problems above.\r\n`);
    expect(r.stdout).not.toContain('unexpected');
    expect(r.stdout).not.toContain('canary');
    expect(seen(record)).toHaveLength(1);
    expect(readFileSync(file).equals(before)).toBe(true);
    expectTempGone(record);
  });

  it('creates the file when it does not exist yet', async () => {
    const { dir, env, record, alice } = editing('replace', '[app]\nsecret = brand-new');
    const file = path.join(dir, 'staging-secrets.ini.age');
    const result = await runCli(['edit', '-e', 'staging'], { cwd: dir, env });
    expect(result).toMatchObject({ status: 0, stdout: `Created ${file} (encrypted for 2 recipients).\n` });
    expect(ageDecrypt(alice.file, file)).toBe('[app]\nsecret = brand-new\n');
    expectTempGone(record);
  });

  it('a new file left empty is not created', async () => {
    const { dir, env } = editing('none');
    const result = await runCli(['edit', '-e', 'staging'], { cwd: dir, env });
    expect(result).toMatchObject({
      status: 0,
      stdout: `Nothing written; ${path.join(dir, 'staging-secrets.ini.age')} was not created.\n`,
    });
    expect(existsSync(path.join(dir, 'staging-secrets.ini.age'))).toBe(false);
  });

  it('$VISUAL wins over $EDITOR, which wins over vi', async () => {
    const { dir, env, record } = editing('none');
    const result = await runCli(['edit', '-e', 'production'], {
      cwd: dir,
      env: { ...env, VISUAL: EDITOR, EDITOR: 'false' },
    });
    expect(result.status).toBe(0);
    expect(seen(record)).toHaveLength(1);
  });

  it('fails before opening the editor when the file cannot be decrypted', async () => {
    const { dir, file, env, record, before, bob } = editing('append', '[x]\ny = 1');
    write(dir, '.age-recipients', `${bob.recipient}\n`);
    writeFileSync(file, ageEncrypt([bob.recipient], '[a]\nb = 1\n', true));
    const after = readFileSync(file);
    const result = await runCli(['edit', '-e', 'production'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file}: no identity from SECRETS_AGE_KEY_FILE`);
    expect(existsSync(record)).toBe(false);
    expect(readFileSync(file).equals(after)).toBe(true);
    expect(before.equals(after)).toBe(false);
  });

  it('refuses to shadow an unencrypted plaintext file', async () => {
    const { dir, env, record } = editing('replace', '[a]\nb = 1');
    write(dir, 'staging-secrets.ini', '[a]\nb = 0\n');
    const result = await runCli(['edit', '-e', 'staging'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `nest-secrets: ${path.join(dir, 'staging-secrets.ini')} exists but is not encrypted yet: run \`nest-secrets encrypt -e staging\` first.\n`,
    );
    expect(existsSync(record)).toBe(false);
  });

  describe('a change to the .age file or the recipients while the editor is open', () => {
    /** An $EDITOR script run as `sh <script> <file>`; the environment of `edit` is its own. */
    function scriptedEditor(home: string, body: string): string {
      const script = write(home, 'concurrent-editor.sh', `#!/bin/sh\nfile="$1"\n${body}\n`);
      return `sh ${script}`;
    }

    const CHANGED = (file: string) =>
      `${file}: changed while you edited (another edit, recipients add/rm or a git pull?): your edit is not saved; run edit again\n`;

    it('recipients rm during the edit: the edit is refused (exit 1), the removal stays in force', async () => {
      const { dir, file, env, home, alice, bob, record } = editing('none');
      const editor = scriptedEditor(
        home,
        `"${process.execPath}" "${CLI}" recipients rm ${bob.recipient} >/dev/null || exit 9\n` +
          `printf '[db]\\npassword = concurrent-canary-1\\n' >> "$file"\n` +
          `printf '%s\\n' "$file" > "$RECORD"`,
      );
      const result = await runCli(['edit', '-e', 'production'], { cwd: dir, env: { ...env, EDITOR: editor } });
      expect(result).toEqual({ status: 1, signal: null, stdout: '', stderr: CHANGED(file) });
      // The file is what `recipients rm` wrote: the original text, for alice only.
      expect(ageDecrypt(alice.file, file)).toBe('[app]\nsecret = "original value"\n');
      expect(() => ageDecrypt(bob.file, file)).toThrow();
      expect(result.stderr + result.stdout).not.toContain('canary');
      expect(readFileSync(path.join(dir, '.age-recipients'), 'utf8')).not.toContain(bob.recipient);
      expectTempGone(record);
    });

    it('another ciphertext copied over the file during the edit: refused (exit 1), that file is kept', async () => {
      const { dir, file, env, home, alice, bob, record } = editing('none');
      const other = write(
        home,
        'other.age',
        ageEncrypt([alice.recipient, bob.recipient], '[app]\nsecret = theirs\n', true),
      );
      const editor = scriptedEditor(
        home,
        `cp "${other}" "${file}"\nprintf '[db]\\npassword = concurrent-canary-2\\n' >> "$file"\nprintf '%s\\n' "$file" > "$RECORD"`,
      );
      const result = await runCli(['edit', '-e', 'production'], { cwd: dir, env: { ...env, EDITOR: editor } });
      expect(result).toEqual({ status: 1, signal: null, stdout: '', stderr: CHANGED(file) });
      expect(readFileSync(file).equals(readFileSync(other))).toBe(true);
      expect(ageDecrypt(alice.file, file)).toBe('[app]\nsecret = theirs\n');
      expectTempGone(record);
    });

    it('a file that appeared during the edit of a new one: refused (exit 1), not overwritten', async () => {
      const { dir, env, home, alice, bob, record } = editing('none');
      const file = path.join(dir, 'staging-secrets.ini.age');
      const other = write(
        home,
        'other.age',
        ageEncrypt([alice.recipient, bob.recipient], '[app]\nsecret = theirs\n', true),
      );
      const editor = scriptedEditor(
        home,
        `cp "${other}" "${file}"\nprintf '[db]\\npassword = concurrent-canary-3\\n' >> "$file"\nprintf '%s\\n' "$file" > "$RECORD"`,
      );
      const result = await runCli(['edit', '-e', 'staging'], { cwd: dir, env: { ...env, EDITOR: editor } });
      expect(result).toEqual({ status: 1, signal: null, stdout: '', stderr: CHANGED(file) });
      expect(readFileSync(file).equals(readFileSync(other))).toBe(true);
      expectTempGone(record);
    });

    it('.age-recipients edited during the edit (file untouched): encrypts to the recipients read right before writing', async () => {
      const { dir, file, env, home, alice, bob, record } = editing('none');
      const editor = scriptedEditor(
        home,
        `printf '%s\\n' "${alice.recipient}" > .age-recipients\n` +
          `printf '[db]\\npassword = concurrent-canary-4\\n' >> "$file"\nprintf '%s\\n' "$file" > "$RECORD"`,
      );
      const result = await runCli(['edit', '-e', 'production'], { cwd: dir, env: { ...env, EDITOR: editor } });
      expect(result).toEqual({
        status: 0,
        signal: null,
        stdout: `Saved ${file} (encrypted for 1 recipient).\n`,
        stderr: '',
      });
      expect(ageDecrypt(alice.file, file)).toBe(
        '[app]\nsecret = "original value"\n[db]\npassword = concurrent-canary-4\n',
      );
      expect(() => ageDecrypt(bob.file, file)).toThrow();
      expectTempGone(record);
    });
  });

  it('an editor that leaves a FIFO in place of the file: aborts (exit 1) instead of hanging, file untouched', async () => {
    const { dir, file, env, home, before, record } = editing('none');
    const script = write(
      home,
      'fifo-editor.sh',
      '#!/bin/sh\nprintf \'%s\\n\' "$1" > "$RECORD"\nrm "$1"\nmkfifo "$1"\n',
    );
    const r = await runCli(['edit', '-e', 'production'], { cwd: dir, env: { ...env, EDITOR: `sh ${script}` } });
    expect(r.signal).toBeNull();
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'nest-secrets: the edited file is no longer a regular file (the editor replaced it with a directory, a FIFO or a device?); ' +
        `your edit is not saved and ${file} is unchanged.\n`,
    );
    expect(r.status).toBe(1);
    expect(readFileSync(file).equals(before)).toBe(true);
    expectTempGone(record);
  });
});

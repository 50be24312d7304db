import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageDecrypt, ageEncrypt, project, runCli, withKey, write } from './helpers/cli';

/**
 * A project whose production file is encrypted to alice, and an editor
 * program in a directory with a space in its name: it records its arguments
 * (JSON) in $RECORD and appends `[added]` to the file it is given last.
 */
function editing() {
  const p = project();
  write(p.dir, '.age-recipients', `${p.alice.recipient}\n`);
  const file = path.join(p.dir, 'production-secrets.ini.age');
  writeFileSync(file, ageEncrypt([p.alice.recipient], '[app]\nsecret = original\n', true));
  const editorDir = path.join(p.home, 'My Editor');
  mkdirSync(editorDir);
  const editor = path.join(editorDir, 'edit');
  writeFileSync(
    editor,
    `#!${process.execPath}\n` +
      "const fs = require('fs');\n" +
      'const args = process.argv.slice(2);\n' +
      'fs.writeFileSync(process.env.RECORD, JSON.stringify(args));\n' +
      "fs.appendFileSync(args[args.length - 1], '[added]\\n');\n",
  );
  chmodSync(editor, 0o755);
  const record = path.join(p.home, 'record.json');
  return {
    ...p,
    file,
    editor,
    record,
    env: { ...withKey(p.env, p.alice), RECORD: record },
    before: readFileSync(file),
  };
}

describe('nest-secrets edit: the editor command, run without a shell', () => {
  it('a quoted program path with a space and quoted arguments, the file last', async () => {
    const e = editing();
    const result = await runCli(['edit', '-e', 'production'], {
      cwd: e.dir,
      env: { ...e.env, VISUAL: `"${e.editor}" --wait 'two words' a\\ b` },
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`Saved ${e.file} (encrypted for 1 recipient).\n`);
    expect(result.status).toBe(0);
    const args = JSON.parse(readFileSync(e.record, 'utf8')) as string[];
    expect(args.slice(0, -1)).toEqual(['--wait', 'two words', 'a b']);
    expect(path.basename(args.at(-1)!)).toBe('production-secrets.ini');
    expect(ageDecrypt(e.alice.file, e.file)).toBe('[app]\nsecret = original\n[added]\n');
  });

  it('refuses an editor string that needs a shell before decrypting; the file stays byte-identical', async () => {
    const e = editing();
    const result = await runCli(['edit', '-e', 'production'], {
      cwd: e.dir,
      env: { ...e.env, EDITOR: `${e.editor} | tee log` },
    });
    expect(result.stderr).toBe(
      `nest-secrets: edit: $EDITOR (${e.editor} | tee log) uses "|", which needs a shell; ` +
        'edit runs the editor without a shell: set it to a program and its arguments, or to a script.\n',
    );
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
    expect(existsSync(e.record)).toBe(false);
    expect(readFileSync(e.file).equals(e.before)).toBe(true);
  });

  it('an editor that is not found is reported, the file unchanged', async () => {
    const e = editing();
    const result = await runCli(['edit', '-e', 'production'], {
      cwd: e.dir,
      env: { ...e.env, EDITOR: 'no-such-editor-nis --wait' },
    });
    expect(result.stderr).toBe(
      `nest-secrets: edit: $EDITOR (no-such-editor-nis --wait) could not be started (ENOENT); ${e.file} is unchanged.\n`,
    );
    expect(result.status).toBe(1);
    expect(readFileSync(e.file).equals(e.before)).toBe(true);
  });

  it('under npx (npm_execpath set) the message says npm set EDITOR from its editor config', async () => {
    const e = editing();
    // As `npm_config_editor="/tmp/My Editor/edit" npx nest-secrets edit` leaves the environment: npm copies its
    // `editor` config into EDITOR, which is then split into words at the space.
    const result = await runCli(['edit', '-e', 'production'], {
      cwd: e.dir,
      env: {
        ...e.env,
        npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
        npm_config_editor: '/tmp/No Such Editor/edit',
        EDITOR: '/tmp/No Such Editor/edit',
      },
    });
    expect(result.stderr).toBe(
      'nest-secrets: edit: $EDITOR (/tmp/No Such Editor/edit), which npm sets from its `editor` config, ' +
        `could not be started (ENOENT); ${e.file} is unchanged.\n`,
    );
    expect(result.status).toBe(1);
    expect(readFileSync(e.file).equals(e.before)).toBe(true);
  });

  it('the default editor is named as such when it fails', async () => {
    const e = editing();
    const result = await runCli(['edit', '-e', 'production'], {
      cwd: e.dir,
      env: { ...e.env, PATH: path.join(e.home, 'empty-path') },
    });
    expect(result.stderr).toBe(
      `nest-secrets: edit: the default editor (vi) could not be started (ENOENT); ${e.file} is unchanged.\n`,
    );
    expect(result.status).toBe(1);
  });
});

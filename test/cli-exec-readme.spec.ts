import * as path from 'node:path';
import { parse } from 'shell-quote';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli, tempDir, write } from './helpers/cli';
import { rawSections } from './helpers/raw-sections';
import { readmeExample, shellCommands } from './helpers/readme';

/**
 * Stands in for `npx prisma …` / `npx typeorm …`: prints the command it
 * stands for, how many SECRET_ variables it got, and for each mapped
 * variable whether it holds the key's value ("match"/"mismatch"), never the value.
 */
const STAND_IN = `
const [expected, ...command] = process.argv.slice(1);
console.log('ran: ' + command.join(' '));
console.log('SECRET_ variables: ' + Object.keys(process.env).filter((k) => k.startsWith('SECRET_')).length);
for (const [name, value] of Object.entries(JSON.parse(expected))) {
  console.log(name + ' ' + (process.env[name] === value ? 'match' : 'mismatch'));
}
`;

/** README's command line as argv: `npx nest-secrets` dropped, the command after `--` run by STAND_IN. */
function standIn(line: string, values: Map<string, string>): string[] {
  const words = parse(line).map((word) => {
    if (typeof word !== 'string') throw new Error(`README example uses shell syntax: ${line}`);
    return word;
  });
  expect(words.slice(0, 2)).toEqual(['npx', 'nest-secrets']);
  const dashes = words.indexOf('--');
  const ours = words.slice(2, dashes);
  const expected = Object.fromEntries(
    ours.flatMap((word, i) => {
      if (ours[i - 1] !== '--env') return [];
      const [name, target] = word.split('=') as [string, string];
      return [[name, values.get(target)]];
    }),
  );
  return [...ours, '--', process.execPath, '-e', STAND_IN, JSON.stringify(expected), ...words.slice(dashes + 1)];
}

describe('README: nest-secrets exec --env', () => {
  it('runs the Prisma and TypeORM examples, each tool getting its variables', async () => {
    const home = tempDir('nis-exec-readme-');
    const dir = path.join(home, 'project');
    const ini = readmeExample('exec-env-ini');
    write(dir, 'production-secrets.ini', ini, 0o600);
    const values = new Map(
      [...rawSections(ini).values()].flatMap((section) =>
        [...section.values].map(([key, { value }]) => [`${section.name}.${key}`, value] as const),
      ),
    );
    const lines = shellCommands(readmeExample('exec-env'));
    expect(lines).toHaveLength(2);
    const outputs = [];
    for (const line of lines) {
      const result = await runCli(standIn(line, values), { cwd: dir, env: cleanEnv(home) });
      outputs.push({ status: result.status, stderr: result.stderr, stdout: result.stdout });
    }
    expect(outputs).toEqual([
      {
        status: 0,
        stderr: '',
        stdout: 'ran: npx prisma migrate deploy\nSECRET_ variables: 3\nDATABASE_URL match\n',
      },
      {
        status: 0,
        stderr: '',
        stdout:
          'ran: npx typeorm migration:run -d dist/data-source.js\n' +
          'SECRET_ variables: 0\nTYPEORM_HOST match\nTYPEORM_PASSWORD match\n',
      },
    ]);
  });
});

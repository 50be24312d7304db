import { IsNotEmpty, IsString } from 'class-validator';
import { Command } from 'commander';
import * as path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { registerCheck } from '../lib/cli/check';
import type { CliContext } from '../lib/cli/context';
import { SecretsSection } from '../lib/dto/decorators';
import { encryptArmored } from '../lib/age/cipher';
import { tempDir, writeFile } from './helpers/tmp';

// Every read of a secrets file goes through readRegularFile: count them.
const reads = vi.hoisted(() => [] as string[]);
vi.mock('../lib/files/read-file', async (importOriginal) => {
  const original = await importOriginal<typeof import('../lib/files/read-file')>();
  return {
    ...original,
    readRegularFile: (file: string, maxSize: number) => {
      reads.push(file);
      return original.readRegularFile(file, maxSize);
    },
  };
});

@SecretsSection('api')
class ApiSecrets {
  @IsString() @IsNotEmpty() token!: string;
}

// The --sections module, as if imported from a built file.
vi.mock('../lib/cli/sections-module', () => ({ loadSectionClasses: async () => [ApiSecrets] }));

// An X25519 identity of the age spec's test vectors and its recipient.
const IDENTITY = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
const RECIPIENT = 'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj';

async function check(dir: string, environments: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = {
    env,
    cwd: dir,
    interactive: false,
    stdout: (text: string | Uint8Array) => void out.push(String(text)),
    stderr: (text: string) => void err.push(text),
    // Not the process's streams: an in-process run.
    streams: {},
  } as unknown as CliContext;
  const program = new Command().exitOverride();
  registerCheck(program, ctx);
  let error: unknown;
  await program
    .parseAsync(['check', '-e', environments, '--dir', dir, '--sections', 'secrets.js'], { from: 'user' })
    .catch((e: unknown) => (error = e));
  return { out: out.join(''), err: err.join(''), error };
}

describe('nest-secrets check reads each secrets file once', () => {
  beforeEach(() => void reads.splice(0));

  it('opens a plaintext file once, also when it is valid and its summary is printed', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'production-secrets.ini', '[api]\ntoken = 3f9a0c1e5b7d2468ace13579bdf02468\n');
    const { out, error } = await check(dir, 'production');
    expect(error).toBeUndefined();
    expect(out).toBe(`${file}: ok (environment production; 1 section: api; 1 key)\n`);
    expect(reads.filter((read) => read === file)).toHaveLength(1);
  });

  it('opens a file once when its DTO validation fails, and still reports its placeholders', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'production-secrets.ini', '[api]\ntoken =\nother = changeme\n');
    const { error } = await check(dir, 'production');
    const codes = (error as { problems: { code: string }[] }).problems.map((problem) => problem.code);
    expect(codes).toEqual(['UNKNOWN_KEY', 'EMPTY_VALUE', 'PLACEHOLDER']);
    expect(reads.filter((read) => read === file)).toHaveLength(1);
  });

  it('opens and decrypts an .age file once', async () => {
    const dir = tempDir();
    const plaintext = new TextEncoder().encode('[api]\ntoken = 3f9a0c1e5b7d2468ace13579bdf02468\n');
    const file = writeFile(dir, 'staging-secrets.ini.age', await encryptArmored(plaintext, [RECIPIENT]));
    const { out, error } = await check(dir, 'staging', { SECRETS_AGE_KEY: IDENTITY });
    expect(error).toBeUndefined();
    expect(out).toBe(`${file}: ok (environment staging; 1 section: api; 1 key)\n`);
    expect(reads.filter((read) => read === file)).toHaveLength(1);
    expect(path.basename(file)).toBe('staging-secrets.ini.age');
  });
});

import { describe, expect, it } from 'vitest';
import { loadRawSecrets } from '../lib/sources/raw-secrets';
import { tempDir, writeFile } from './helpers/tmp';

describe('loadRawSecrets (the front half)', () => {
  it('returns a file’s raw sections with their provenance and each value’s line', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'staging-secrets.ini', '[db]\nuser = app\npassword = ${DB_PASSWORD}\n');
    const raw = await loadRawSecrets({ environment: 'staging', directory: dir, env: { DB_PASSWORD: 's3cret-pw' } });
    expect(raw).toMatchObject({
      environment: 'staging',
      environmentSource: { kind: 'option' },
      source: 'derived',
      file,
      encrypted: false,
    });
    expect(raw.raw.get('db')).toEqual({
      name: 'db',
      line: 1,
      values: new Map([
        ['user', { value: 'app', line: 2 }],
        ['password', { value: 's3cret-pw', line: 3 }],
      ]),
    });
    expect([...raw.parsed!.sections.keys()]).toEqual(['db']);
  });

  it('uses `values` without reading a file, and applies `overrides` on top without interpolating them', async () => {
    const raw = await loadRawSecrets({
      env: { NODE_ENV: 'test' },
      values: { api: { token: 'from-values' } },
      overrides: { api: { token: '$NOT_A_VARIABLE' }, extra: { key: 'v' } },
    });
    expect(raw).toMatchObject({ environment: 'test', source: 'values', file: null, encrypted: false, parsed: null });
    expect(raw.raw.get('api')!.values.get('token')).toEqual({ value: '$NOT_A_VARIABLE' });
    expect(raw.raw.get('extra')!.values.get('key')).toEqual({ value: 'v' });
  });

  it('does not interpolate a file value that `overrides` replaces', async () => {
    const dir = tempDir();
    writeFile(dir, 'development-secrets.ini', '[api]\ntoken = $UNSET_HERE\n');
    const raw = await loadRawSecrets({ directory: dir, env: {}, overrides: { api: { token: 'given' } } });
    expect(raw.raw.get('api')!.values.get('token')).toEqual({ value: 'given' });
  });
});

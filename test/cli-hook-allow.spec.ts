import { describe, expect, it } from 'vitest';
import { parseAllowList } from '../lib/cli/allow-list';

describe('.nest-secrets-allow patterns (gitignore syntax through `ignore`, anchored at the top)', () => {
  it.each([
    ['production-secrets.ini', 'production-secrets.ini', true],
    ['production-secrets.ini', 'config/production-secrets.ini', false],
    ['/config/production-secrets.ini', 'config/production-secrets.ini', true],
    ['  config/production-secrets.ini \t', 'config/production-secrets.ini', true],
    ['*/*/production-secrets.ini', 'config/production-secrets.ini', false],
    ['**/x-secrets.ini', 'x-secrets.ini', true],
    ['**/x-secrets.ini', 'a/b/x-secrets.ini', true],
    ['a/**/b-secrets.ini', 'a/b-secrets.ini', true],
    ['a/**/b-secrets.ini', 'a/x/y/b-secrets.ini', true],
    ['sample/**', 'sample/a/b-secrets.ini', true],
    ['sample/*-secrets.ini', 'sample/a/b-secrets.ini', false],
    ['config/', 'config/a/production-secrets.ini', true],
    ['config/', 'configs/production-secrets.ini', false],
    ['?-secrets.ini', 'a-secrets.ini', true],
    ['?-secrets.ini', 'ab-secrets.ini', false],
    ['[dt]*-secrets.ini', 'test-secrets.ini', true],
    ['[dt]*-secrets.ini', 'production-secrets.ini', false],
    ['[a-c]-secrets.ini', 'b-secrets.ini', true],
    ['[!a-c]-secrets.ini', 'b-secrets.ini', false],
    ['[!a-c]-secrets.ini', 'x-secrets.ini', true],
    ['{a,b}-secrets.ini', 'a-secrets.ini', false],
    ['{a,b}-secrets.ini', '{a,b}-secrets.ini', true],
    ['config/*\n!config/production-secrets.ini', 'config/production-secrets.ini', false],
    ['config/*\n!config/production-secrets.ini', 'config/test-secrets.ini', true],
    ['config/\n!config/production-secrets.ini', 'config/production-secrets.ini', true],
    ['# config/production-secrets.ini', 'config/production-secrets.ini', false],
    ['\\#a-secrets.ini', '#a-secrets.ini', true],
    ['\\!a-secrets.ini', '!a-secrets.ini', true],
    ['a-secrets.ini\\ ', 'a-secrets.ini ', true],
    ['a-secrets.ini\\ ', 'a-secrets.ini', false],
    ['x\r\nproduction-secrets.ini\r\n', 'production-secrets.ini', true],
    ['', 'production-secrets.ini', false],
  ])('%j allows %s: %s', (text, relative, allowed) => {
    expect(parseAllowList(text).allows(relative)).toBe(allowed);
  });
});

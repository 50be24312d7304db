import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('package manifest', () => {
  it('declares every package that lib/ imports as a dependency or peer dependency', () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const builtins = new Set(builtinModules);
    const missing: string[] = [];
    const specifier =
      /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;
    const seen = new Set<string>();
    for (const file of sources(path.join(root, 'lib'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(specifier)) {
        const name = match[1] ?? match[2] ?? match[3];
        if (name.startsWith('.') || name.startsWith('node:') || builtins.has(name)) continue;
        seen.add(packageOf(name));
        if (!declared.has(packageOf(name))) missing.push(`${path.relative(root, file)}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
    expect(seen.has('class-validator')).toBe(true);
  });

  it('keeps the packages the app must share as peer dependencies, never dependencies', () => {
    const shared = [
      '@nestjs/common',
      '@nestjs/core',
      'class-validator',
      'class-transformer',
      'reflect-metadata',
      'rxjs',
    ];
    expect(shared.filter((name) => name in (manifest.dependencies ?? {}))).toEqual([]);
    expect(shared.filter((name) => !(name in (manifest.peerDependencies ?? {})))).toEqual([]);
  });
});

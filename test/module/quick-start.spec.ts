/**
 * README's Quick start, as written there: the blocks marked
 * `<!-- quick-start: <file> -->` (read as test/packaging/run.mjs reads them) are
 * written to a temporary app, next to the `nest new` files they import, and
 * imported in-process with 'nestjs-ini-secrets' pointing at lib/ (and
 * 'nestjs-ini-secrets/core' at lib/core.ts).
 */
import { Test } from '@nestjs/testing';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SECRETS_MODULE_OPTIONS, SecretsService } from '../../lib';
import { tempDir } from '../helpers/tmp';

const root = path.resolve(__dirname, '../..');

function quickStartBlocks(): [file: string, text: string][] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = readme.matchAll(/<!-- quick-start: (\S+) -->\s*```\w*\n([\s\S]*?)^```/gm);
  return [...blocks].map(([, file, text]) => [file!, text!]);
}

/** What `nest new` generates that the Quick start's app.module.ts imports. */
const GENERATED: [file: string, text: string][] = [
  [
    'src/app.service.ts',
    `import { Injectable } from '@nestjs/common';
@Injectable()
export class AppService {
  getHello(): string {
    return 'Hello World!';
  }
}
`,
  ],
  [
    'src/app.controller.ts',
    `import { Controller, Get } from '@nestjs/common';
import { AppService } from './app.service.js';
@Controller()
export class AppController {
  constructor(private readonly appService: AppService) {}
  @Get()
  getHello(): string {
    return this.appService.getHello();
  }
}
`,
  ],
];

type Class = new (...args: never[]) => unknown;

/** Writes the Quick start into a fresh directory and imports its modules. */
async function applyQuickStart() {
  const dir = tempDir();
  const blocks = quickStartBlocks();
  expect(blocks.map(([file]) => file)).toEqual([
    'src/secrets.ts',
    'src/facebook-crawler.service.ts',
    'src/app.module.ts',
    'development-secrets.ini',
    'test-secrets.ini',
    'test/secrets.e2e-spec.ts',
  ]);
  // The compiler options a `nest new` app has, for SWC to find next to the files.
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true } }),
  );
  const library = pathToFileURL(path.join(root, 'lib/index.ts')).href;
  const core = pathToFileURL(path.join(root, 'lib/core.ts')).href;
  for (const [file, text] of [...GENERATED, ...blocks]) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    const imports = text
      .replaceAll(`from 'nestjs-ini-secrets/core'`, `from '${core}'`)
      .replaceAll(`from 'nestjs-ini-secrets'`, `from '${library}'`);
    writeFileSync(path.join(dir, file), imports);
  }
  const load = async (file: string) =>
    (await import(pathToFileURL(path.join(dir, file)).href)) as Record<string, Class>;
  const modules = await Promise.all(
    ['src/app.module.ts', 'src/app.controller.ts', 'src/secrets.ts', 'src/facebook-crawler.service.ts'].map(load),
  );
  const classes: Record<string, Class> = Object.assign({}, ...modules);
  return Object.assign({ dir }, classes);
}

describe('README Quick start', () => {
  it.each([
    // `nest start`: NODE_ENV unset, development-secrets.ini, the fallback of ${FACEBOOK_API_KEY:-…}.
    [undefined, '1234567890', 'dev-only-secret'],
    // Jest and vitest set NODE_ENV=test: test-secrets.ini.
    ['test', 'test-key', 'test-secret'],
  ])('NODE_ENV=%s: the AppModule injects the sections of its file', async (nodeEnv, key, secret) => {
    const { dir, AppModule, AppController, FacebookSecrets, SessionSecrets, FacebookCrawler } = await applyQuickStart();
    // The app's own options, but reading from `dir`, with only NODE_ENV from the environment.
    const env = nodeEnv ? { NODE_ENV: nodeEnv } : {};
    const app = await Test.createTestingModule({ imports: [AppModule!] })
      .overrideProvider(SECRETS_MODULE_OPTIONS)
      .useValue({ directory: dir, env, logger: false })
      .compile();
    const secrets = app.get(SecretsService);
    expect(secrets.file).toBe(path.join(dir, `${nodeEnv ?? 'development'}-secrets.ini`));
    const facebook = app.get(FacebookSecrets!) as { scope: string[]; consumer_secret: string };
    expect(facebook.scope).toEqual(['user_about_me', 'email']);
    expect(facebook.consumer_secret).toBe(secret);
    expect(secrets.get('facebook.consumer_key')).toBe(key);
    expect((app.get(SessionSecrets!) as { secret: string }).secret.length).toBeGreaterThanOrEqual(32);
    expect(app.get(FacebookCrawler!)).toBeInstanceOf(FacebookCrawler!);
    expect((app.get(AppController!) as { getHello(): string }).getHello()).toBe('Hello World!');
    await app.close();
  });

  it("README's values example satisfies both sections", async () => {
    const { AppModule, FacebookSecrets } = await applyQuickStart();
    const app = await Test.createTestingModule({ imports: [AppModule!] })
      .overrideProvider(SECRETS_MODULE_OPTIONS)
      .useValue({
        values: { facebook: { consumer_key: 'k', consumer_secret: 's' }, session: { secret: 'x'.repeat(32) } },
        logger: false,
      })
      .compile();
    expect((app.get(FacebookSecrets!) as { configured: boolean }).configured).toBe(true);
    await app.close();
  });
});

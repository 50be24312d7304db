import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * Spec files that need a module registry of their own: they replace modules
 * with `vi.mock`, or configure a library that keeps process-wide state
 * (nestjs-pino's static logger). Every other file shares its worker's
 * modules with the files before it (`isolate: false`), which halves the run:
 * Nest, class-validator and the library are imported once per worker, not
 * once per file. Files that change a global (process.env, a spy on
 * process.stdout, the masker's table limit) restore it after each test.
 */
const ISOLATED = [
  'test/check-reads-once.spec.ts',
  'test/cli-command-load-failure.spec.ts',
  'test/enumeration.spec.ts',
  'test/logging-recipes.spec.ts',
  'test/module/config-service.spec.ts',
];
const EXCLUDE = ['test/packaging/fixtures/**', 'test/packaging/quick-start/**', 'node_modules/**'];

// SWC (not esbuild) so that decorators emit `design:type` metadata, which the
// DTO conversion stage reads, exactly as tsc does in users' builds.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    setupFiles: ['reflect-metadata'],
    // Builds dist/ once (when older than lib/): a few tests run the built
    // `nest-secrets` as a process, as users do.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED, exclude: EXCLUDE, isolate: true } },
      {
        extends: true,
        test: { name: 'shared', include: ['test/**/*.spec.ts'], exclude: [...EXCLUDE, ...ISOLATED], isolate: false },
      },
    ],
  },
});

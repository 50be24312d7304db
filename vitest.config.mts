import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC (not esbuild) so that decorators emit `design:type` metadata, which the
// DTO conversion stage reads, exactly as tsc does in users' builds.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['test/**/*.spec.ts'],
    exclude: ['test/packaging/fixtures/**', 'node_modules/**'],
    setupFiles: ['reflect-metadata'],
    // Builds dist/ once: the CLI tests run `node dist/cli/main.js` as users do.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
  },
});

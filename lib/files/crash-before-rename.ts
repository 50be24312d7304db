// Its own file: the CLI's entry reads it on every start, and atomic-write.ts loads node:crypto.
/**
 * Test-only fault injection: when this variable is `1`, the CLI process kills
 * itself with SIGKILL after the temp file is written and synced, before the
 * rename — the worst moment for a crash (the CLI's context turns it into
 * `AtomicWriteOptions.beforeRename`).
 */
export const CRASH_BEFORE_RENAME_VARIABLE = 'NEST_SECRETS_TEST_CRASH_BEFORE_RENAME';

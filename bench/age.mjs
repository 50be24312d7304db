/**
 * (c) age: loading a 64 KiB secrets file encrypted to one X25519 recipient,
 * against the same file in plaintext and against age-encryption's Decrypter
 * alone. No DTOs: this isolates what decryption adds. Prints one JSON line.
 *
 *   node bench/age.mjs [--quick]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { repoRoot } from './lib/shared.mjs';

const require = createRequire(path.join(repoRoot, 'package.json'));
const { loadSecrets } = require(path.join(repoRoot, 'dist', 'index.js'));
const age = await import(require.resolve('age-encryption'));

const quick = process.argv.includes('--quick');
const TARGET_BYTES = 64 * 1024;

// 64 KiB of sections with random (generated, throw-away) values.
const lines = [];
let size = 0;
for (let s = 0; size < TARGET_BYTES; s++) {
  lines.push(`[section_${s}]`);
  for (let k = 0; k < 8 && size < TARGET_BYTES; k++) {
    const line = `key_${k} = ${randomBytes(24).toString('hex')}`;
    lines.push(line);
    size += line.length + 1;
  }
}
const text = lines.join('\n') + '\n';

const identity = await age.generateX25519Identity();
const encrypter = new age.Encrypter();
encrypter.addRecipient(await age.identityToRecipient(identity));
const ciphertext = age.armor.encode(await encrypter.encrypt(text));

const dir = mkdtempSync(path.join(os.tmpdir(), 'nestjs-ini-secrets-bench-age-'));
try {
  const plainFile = path.join(dir, 'bench-secrets.ini');
  const ageFile = path.join(dir, 'bench-secrets.ini.age');
  writeFileSync(plainFile, text, { mode: 0o600 });
  writeFileSync(ageFile, ciphertext);

  const cases = {
    plaintext: () => loadSecrets({ file: plainFile, env: {} }),
    encrypted: () => loadSecrets({ file: ageFile, env: {}, identity }),
    decryptOnly: async () => {
      const decrypter = new age.Decrypter();
      decrypter.addIdentity(identity);
      return decrypter.decrypt(age.armor.decode(ciphertext), 'text');
    },
  };
  const check = await cases.encrypted();
  if (check.get('section_0.key_0') !== (await cases.plaintext()).get('section_0.key_0')) {
    throw new Error('bench: the encrypted file did not load the same values');
  }
  const warmup = quick ? 2 : 10;
  const rounds = quick ? 5 : 60;
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (const [name, run] of Object.entries(cases)) {
      const t0 = performance.now();
      await run();
      if (round >= warmup) samples[name].push(performance.now() - t0);
    }
  }
  console.log(JSON.stringify({ bytes: Buffer.byteLength(text), ciphertextBytes: ciphertext.length, samples }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

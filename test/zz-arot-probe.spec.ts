import { it } from 'vitest';
import { project, runCli, write } from './helpers/cli';

const TEXT = '[session]\nsecret = 0123456789abcdef0123456789abcdef01234567\n';
it('probe', async () => {
  const p = project();
  write(p.dir, 'production-secrets.ini', TEXT, 0o600);
  const log = (r: unknown) => console.log(JSON.stringify(r));
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
  for (const arg of [jwt, 'Xb3kQ9zT_w7Lm2Vn-Rt5Yp8Hc1Jd4Fg6Ks0Ae3Wq.key', 'session.Xb3kQ9zT_w7Lm2Vn-Rt5Yp8Hc1Jd4Fg6Ks0Ae3Wq', 'session.p@ss w0rd!', 'p@ss w0rd!.x'])
    log(await runCli(['rotate', '-e', 'production', arg], { cwd: p.dir, env: p.env }));
});

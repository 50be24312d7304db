import { spawn } from 'node:child_process';

/** Runs `code` (`node -e`) in a Node process; its exit code and output, or `timedOut` (killed) after `ms`. */
export function exitsWithin(
  ms: number,
  code: string,
): Promise<{ code: number | null; stdout: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, stdout, timedOut: true });
    }, ms);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, stdout, timedOut: false });
    });
  });
}

import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

export interface AppProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process ends. */
  exited: Promise<number | string>;
}

/**
 * Runs an app entry point (a .ts file under apps/) as its own process, as `node main.js` would
 * in production, with `env` layered over the current environment. TypeScript is compiled on
 * the fly with swc, so tests do not depend on a prior `npm run build`.
 */
export function spawnApp(entry: string, env: Record<string, string>, args: string[] = []): AppProcess {
  const child = spawn(
    process.execPath,
    [require.resolve('ts-node/dist/bin'), '--swc', '-r', 'tsconfig-paths/register', resolve(ROOT, entry), ...args],
    { cwd: ROOT, env: { ...process.env, ENV_FILE: '/dev/null', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? -1)),
  );
  return { child, output: () => output, exited };
}

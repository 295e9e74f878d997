import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './stack.env';

/**
 * rabbitmqctl against the drills' own broker node, through `service.sh rabbitmqctl` (which names
 * the node from the SERVICES_* variables run.sh exports): never the default stack's node.
 */
export function rabbitmqctl(...args: string[]): Promise<string> {
  if (!process.env.SERVICES_STATE_DIR?.includes('drills'))
    throw new Error('refusing to control a broker outside the drills stack');
  return new Promise((resolve, reject) =>
    execFile(
      'bash',
      [join(ROOT, 'scripts/services/service.sh'), 'rabbitmqctl', ...args],
      { cwd: ROOT, env: process.env, timeout: 60_000 },
      (error, out, stderr) =>
        error ? reject(new Error(`rabbitmqctl ${args.join(' ')} failed: ${stderr.slice(-500)}`)) : resolve(out),
    ),
  );
}

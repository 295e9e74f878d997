import { provideTestSecrets } from '@app/testing';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../..');

function required(name: string): string {
  const value = process.env[name];
  // run.sh sets these for the drills' own stack; without them a drill would hit the shared services.
  if (!value)
    throw new Error(
      `${name} is not set: run the drills with \`npm run drills\` (drills/run.sh), never against the default stack`,
    );
  return value;
}

/** The drills' own services (drills/stack.env.sh): never the shared ones on the default ports. */
export const stack = {
  rabbitmq: required('DRILLS_RABBITMQ_URL'),
  rabbitmqManagement: required('DRILLS_RABBITMQ_MANAGEMENT_URL'),
  mongodb: required('DRILLS_MONGODB_URI'),
  redis: required('DRILLS_REDIS_URL'),
  neo4j: required('DRILLS_NEO4J_URI'),
  neo4jUser: 'neo4j',
  neo4jPassword: process.env.NEO4J_PASSWORD ?? 'neo4j-password',
};

/**
 * The admin token and the report worker's keys of this drill run: those of the caller's
 * environment, else made afresh. Every app a drill starts gets the same ones (AppProcess), so a
 * second worker opens what the first sealed.
 */
export const secrets = provideTestSecrets({ ...process.env });

export type ServiceName = 'rabbitmq' | 'redis' | 'mongo' | 'neo4j';

/**
 * Stops, starts or restarts one service of the drills' stack with scripts/services/service.sh;
 * the SERVICES_* variables exported by run.sh point it at our ports and state directory.
 * Resolves when the script returns (for start/restart: when the service answers again).
 */
export function service(action: 'start' | 'stop' | 'restart', name: ServiceName): Promise<void> {
  if (!process.env.SERVICES_STATE_DIR?.includes('drills'))
    throw new Error('refusing to control services outside the drills stack');
  return new Promise((resolve, reject) =>
    execFile(
      'bash',
      [join(ROOT, 'scripts/services/service.sh'), action, name],
      { cwd: ROOT, env: process.env },
      (error, _out, stderr) =>
        error ? reject(new Error(`service.sh ${action} ${name} failed: ${stderr.slice(-500)}`)) : resolve(),
    ),
  );
}

/** A TCP port nobody listens on right now (the OS picks it), for an app's HTTP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A database URI on the drills' FerretDB, one database per drill run. */
export function mongoUri(database: string): string {
  const url = new URL(stack.mongodb);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Deletes every queue and exchange whose name starts with `prefix` from the drills' broker,
 * through its management API: whatever names the apps derived from their settings (retry queues
 * per delay, DLQs), the drill's own objects are found by its prefix.
 */
export async function deleteBrokerObjects(prefix: string): Promise<void> {
  const base = new URL(stack.rabbitmqManagement);
  const headers = {
    authorization: `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`,
  };
  const api = (path: string) => `${base.protocol}//${base.host}/api/${path}`;
  for (const kind of ['queues', 'exchanges']) {
    const response = await fetch(api(`${kind}/%2F?columns=name`), { headers, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`management API ${kind}: HTTP ${response.status}`);
    const names = ((await response.json()) as Array<{ name: string }>)
      .map((o) => o.name)
      .filter((name) => name.startsWith(prefix));
    for (const name of names) {
      await fetch(api(`${kind}/%2F/${encodeURIComponent(name)}`), {
        method: 'DELETE',
        headers,
        signal: AbortSignal.timeout(10_000),
      });
    }
  }
}

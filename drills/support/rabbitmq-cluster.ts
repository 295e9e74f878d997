import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './stack.env';

/**
 * The drills' 3-node RabbitMQ cluster (scripts/services/rabbitmq-cluster.sh, started by run.sh
 * with `up.sh --cluster`): node n listens for AMQP on the drills' port + 9 + n - 1, its
 * management API on that + 10000; its state (and pidfile) is under the drills' state directory.
 */
export const CLUSTER_NODES = [1, 2, 3] as const;

function basePort(): number {
  const single = Number(process.env.SERVICES_RABBITMQ_PORT);
  const base = Number(process.env.SERVICES_RABBITMQ_CLUSTER_PORT ?? single + 9);
  if (!Number.isFinite(base) || !process.env.SERVICES_STATE_DIR?.includes('drills'))
    throw new Error('the drills cluster needs the drills stack (npm run drills)');
  return base;
}

export const clusterPort = (n: number) => basePort() + n - 1;
export const clusterNodeName = (n: number) => `rabbit-${n}-${clusterPort(n)}@localhost`;
export const clusterUrl = (n: number) => `amqp://guest:guest@127.0.0.1:${clusterPort(n)}`;
/** The value for RABBITMQ_URL: the three nodes, tried in turn. */
export const clusterUrls = () => CLUSTER_NODES.map(clusterUrl).join(',');
const managementApi = (n: number, path: string) => `http://127.0.0.1:${clusterPort(n) + 10000}/api/${path}`;
const headers = { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` };

/** The OS pid of node n's Erlang VM, from its pidfile. */
export function clusterNodePid(n: number): number {
  const file = join(process.env.SERVICES_STATE_DIR!, 'rabbitmq-cluster', `node-${n}`, `${clusterNodeName(n)}.pid`);
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in ${file}`);
  return pid;
}

/** `service.sh start rabbitmq-cluster`: starts the nodes that do not run and waits for all three in one cluster. */
export function startCluster(): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(
      'bash',
      [join(ROOT, 'scripts/services/service.sh'), 'start', 'rabbitmq-cluster'],
      { cwd: ROOT, env: process.env },
      (error, _out, stderr) =>
        error ? reject(new Error(`service.sh start rabbitmq-cluster failed: ${stderr.slice(-500)}`)) : resolve(),
    ),
  );
}

/** Open AMQP connections per node (node number -> count), through node `via`'s management API. */
export async function connectionsPerNode(via: number): Promise<Map<number, number>> {
  const response = await fetch(managementApi(via, 'connections?columns=node'), {
    headers,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`management API connections: HTTP ${response.status}`);
  const perNode = new Map<number, number>();
  for (const { node } of (await response.json()) as Array<{ node: string }>) {
    const n = CLUSTER_NODES.find((m) => clusterNodeName(m) === node);
    if (n !== undefined) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  return perNode;
}

/** Deletes the queues and exchanges whose name starts with `prefix` from the cluster (through node `via`). */
export async function deleteClusterObjects(prefix: string, via: number): Promise<void> {
  for (const kind of ['queues', 'exchanges']) {
    const response = await fetch(managementApi(via, `${kind}/%2F?columns=name`), {
      headers,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`management API ${kind}: HTTP ${response.status}`);
    const names = ((await response.json()) as Array<{ name: string }>)
      .map((o) => o.name)
      .filter((name) => name.startsWith(prefix));
    for (const name of names)
      await fetch(managementApi(via, `${kind}/%2F/${encodeURIComponent(name)}`), {
        method: 'DELETE',
        headers,
        signal: AbortSignal.timeout(10_000),
      });
  }
}

import { createClient } from '@keyv/redis';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { serviceUrls, tlsStackEnvFile, tlsStackSettings } from './service-urls';

/** A broker connection as the management API lists it. */
export interface BrokerConnection {
  user: string;
  port: number;
  ssl: boolean;
  peer_cert_subject?: string;
}

/** A Redis client as CLIENT LIST shows it: its user and the server address it reached (`laddr`). */
export interface RedisClientEntry {
  user: string;
  laddr: string;
}

/**
 * The TLS listeners of `npm run services:up -- --tls`, seen from a spec: their settings, a check
 * that each answers a verified TLS handshake, and what the broker and Redis report about the
 * connections made to them (over their plain admin ports, as the guest and default users).
 */
export class TlsStackProbe {
  readonly settings = tlsStackSettings();

  /** The PEM files of one service's settings (prefix RABBITMQ, REDIS), for a spec's own client. */
  files(prefix: 'RABBITMQ' | 'REDIS'): { ca: Buffer; cert: Buffer; key: Buffer } {
    const read = (part: string) => readFileSync(this.settings[`${prefix}_TLS_${part}_FILE`]);
    return { ca: read('CA'), cert: read('CERT'), key: read('KEY') };
  }

  /** Fails, naming each listener that does not answer and the fix, unless all four complete a verified handshake. */
  async assertReachable(): Promise<void> {
    const { settings } = this;
    const client = { cert: settings.RABBITMQ_TLS_CERT_FILE, key: settings.RABBITMQ_TLS_KEY_FILE };
    const targets: Array<[string, string, { ca: string; cert?: string; key?: string }]> = [
      ['RabbitMQ', settings.RABBITMQ_URL, { ca: settings.RABBITMQ_TLS_CA_FILE, ...client }],
      [
        'Redis',
        settings.REDIS_URL,
        { ca: settings.REDIS_TLS_CA_FILE, cert: settings.REDIS_TLS_CERT_FILE, key: settings.REDIS_TLS_KEY_FILE },
      ],
      [
        'MongoDB (FerretDB)',
        settings.MONGODB_URI,
        {
          ca: settings.MONGODB_TLS_CA_FILE,
          cert: settings.MONGODB_TLS_CERT_KEY_FILE,
          key: settings.MONGODB_TLS_CERT_KEY_FILE,
        },
      ],
      ['Neo4j', settings.NEO4J_URI, { ca: settings.NEO4J_TLS_CA_FILE }],
    ];
    const failures = (
      await Promise.all(
        targets.map(async ([name, url, files]) => {
          const { hostname, port } = new URL(url);
          const problem = await handshake(hostname, Number(port), files);
          return problem && `${name} TLS on ${hostname}:${port} (${problem})`;
        }),
      )
    ).filter(Boolean);
    if (failures.length > 0) {
      throw new Error(
        `TLS stack not reachable: ${failures.join(', ')}. Start it with \`npm run services:up -- --tls\` (settings: ${tlsStackEnvFile})`,
      );
    }
  }

  /** The broker's connections of `user`, from the management API. */
  async brokerConnections(user: string): Promise<BrokerConnection[]> {
    const api = new URL(serviceUrls.rabbitmqManagement);
    const auth = Buffer.from(`${decodeURIComponent(api.username)}:${decodeURIComponent(api.password)}`).toString(
      'base64',
    );
    const response = await fetch(`${api.origin}/api/connections?columns=user,port,ssl,peer_cert_subject`, {
      headers: { authorization: `Basic ${auth}` },
    });
    if (!response.ok) throw new Error(`GET /api/connections: ${response.status}`);
    return ((await response.json()) as BrokerConnection[]).filter((connection) => connection.user === user);
  }

  /** Redis's clients logged in as `user`, from CLIENT LIST on the plain port. */
  async redisClients(user: string): Promise<RedisClientEntry[]> {
    const admin = createClient({ url: serviceUrls.redis });
    await admin.connect();
    try {
      const list = String(await admin.sendCommand(['CLIENT', 'LIST']));
      return list
        .split('\n')
        .map(
          (line) =>
            Object.fromEntries(
              line
                .trim()
                .split(' ')
                .map((field) => field.split('=', 2)),
            ) as unknown as RedisClientEntry,
        )
        .filter((client) => client.user === user);
    } finally {
      await admin.close();
    }
  }
}

/** Undefined when a TLS handshake with these files verifies the server; otherwise why not. */
function handshake(
  host: string,
  port: number,
  files: { ca: string; cert?: string; key?: string },
): Promise<string | undefined> {
  const pem = (path?: string) => (path ? readFileSync(path) : undefined);
  return new Promise((done) => {
    const socket = connect(
      { host, port, servername: host, ca: pem(files.ca), cert: pem(files.cert), key: pem(files.key), timeout: 3000 },
      () => {
        socket.end();
        done(socket.authorized ? undefined : String(socket.authorizationError));
      },
    );
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    socket.once('timeout', () => socket.destroy(new Error('no answer within 3 s')));
  });
}

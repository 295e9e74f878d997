import { serviceUrls } from '@app/testing';
import { MongoClient, MongoNetworkError } from 'mongodb';

/** The namespace a driver Connection's command() takes (the driver does not export its class). */
const ADMIN_COMMANDS = { db: 'admin', collection: '$cmd', toString: () => 'admin.$cmd' };

/** What a command settled with, or 'still pending' after `ms` (the defect: it never settles). */
function settlement(work: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([
    work.then(
      () => 'answered',
      (error: Error) => error,
    ),
    new Promise((resolve) => setTimeout(() => resolve('still pending'), ms)),
  ]);
}

/**
 * FerretDB closes its client sockets when it stops. In the MongoDB driver as published (6.20, and
 * 7.9 has the same code) a heartbeat or a command written in the short time between a socket's
 * destruction and its 'close' event is taken without an error, then waits for a 'drain' that never
 * comes, and nothing fails it: not 'close' (no reader yet), not socketTimeoutMS (a destroyed socket
 * has no timer). A stuck heartbeat leaves the server "Unknown" for good, so every operation fails
 * server selection until the process is replaced (docs/drills.md).
 * patches/mongodb+6.20.0.patch (applied by `npm install`) fails such a write with a network error,
 * and a socket error during that wait (EPIPE) as a network error too, as the read side reports it.
 *
 * The window is a few hundred microseconds wide under a real restart; these specs open it on
 * purpose by destroying a socket by hand, through the driver's internal server and monitor objects.
 */
describe('a MongoDB command written to a socket the server has just closed', () => {
  jest.setTimeout(30_000);
  let client: MongoClient;

  beforeEach(async () => {
    client = await new MongoClient(serviceUrls.mongodb, {
      serverSelectionTimeoutMS: 5000,
      connectTimeoutMS: 5000,
    }).connect();
    await client.db().command({ ping: 1 });
  });

  afterEach(async () => {
    await client.close(true);
  });

  function onlyServer(): any {
    return [...(client as any).topology.s.servers.values()][0];
  }

  it('fails with a network error instead of hanging', async () => {
    const connection = onlyServer().monitor.connection;
    connection.socket.destroy(); // destroyed now; its 'close' event comes a moment later

    const outcome = await settlement(
      connection.command(ADMIN_COMMANDS, { hello: 1 }, { socketTimeoutMS: 2000 }),
      10_000,
    );

    expect(outcome).toBeInstanceOf(MongoNetworkError);
  });

  it('fails with a network error when the socket errors while the write waits (EPIPE: ended by the server)', async () => {
    const connection = onlyServer().monitor.connection;
    const socket = connection.socket;
    // What a socket the server has ended does with a write: refuses it, then emits the error.
    socket.write = () => {
      const ended = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
      process.nextTick(() => socket.emit('error', ended));
      return false;
    };

    const outcome = await settlement(
      connection.command(ADMIN_COMMANDS, { hello: 1 }, { socketTimeoutMS: 2000 }),
      10_000,
    );

    // A bare Error here reads as "not an outage" to the worker, which then spends a retry on it.
    expect(outcome).toBeInstanceOf(MongoNetworkError);
    expect((outcome as Error).message).toBe('This socket has been ended by the other party');
  });

  it('lets the client reconnect when the heartbeat was the command caught that way', async () => {
    const server = onlyServer();
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the monitor's 500 ms minimum between checks
    server.monitor.connection.socket.destroy();
    server.monitor.requestCheck(); // the heartbeat goes out on the destroyed socket, before 'close'
    // An operation's network error marks the server unknown, as a store outage does.
    server.handleError(new MongoNetworkError('connection 9 to 127.0.0.1:37017 closed'));

    const outcome = await settlement(client.db().command({ ping: 1 }), 15_000);

    expect(outcome).toBe('answered');
  });
});

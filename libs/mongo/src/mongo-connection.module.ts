import { readTlsFiles } from '@app/config';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
import { MongoCommandSpans } from './mongo-command.spans';

export interface MongoConnectionOptions {
  /** Emit the driver's command events (one per round trip), e.g. for metrics, and with tracing on a span for each. Off by default. */
  monitorCommands?: boolean;
}

/** A replica set that has lost its majority fails a write after this long instead of holding it. */
const WRITE_CONCERN_TIMEOUT_MS = 10_000;

/**
 * One Mongoose connection from MONGODB_URI. Short server-selection and socket timeouts so that an
 * outage or a stuck store surfaces as an error (and a retry through the broker) instead of a
 * request that hangs; a small pool so that several processes cannot exhaust the server's.
 *
 * Every write of the process asks for a majority, journaled acknowledgement: a write answered as
 * stored (and the message acked on the strength of it) then survives a primary's crash or
 * failover. A server that cannot confirm it reports a write-concern error, which fails the write
 * (BulkWriteBatcher fails its whole batch). FerretDB accepts the setting and ignores it: a single
 * server whose write returns once its PostgreSQL transaction has committed.
 *
 * TLS is the URI's to decide (`tls=true`); the MONGODB_TLS_* files are read once, here, and
 * handed to the driver as contents (the CA, and the client certificate with its key).
 */
@Module({})
export class MongoConnectionModule {
  static forRoot(options: MongoConnectionOptions = {}): DynamicModule {
    return {
      module: MongoConnectionModule,
      imports: [
        MongooseModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            uri: config.getOrThrow<string>('MONGODB_URI'),
            ...mongoTlsFiles(config),
            serverSelectionTimeoutMS: 5000,
            connectTimeoutMS: 5000,
            socketTimeoutMS: config.getOrThrow<number>('MONGODB_SOCKET_TIMEOUT_MS'),
            maxPoolSize: config.getOrThrow<number>('MONGODB_MAX_POOL_SIZE'),
            writeConcern: { w: 'majority', journal: true, wtimeoutMS: WRITE_CONCERN_TIMEOUT_MS },
            bufferCommands: false,
            autoIndex: true,
            lazyConnection: false,
            monitorCommands: options.monitorCommands ?? false,
          }),
        }),
      ],
      // With tracing off its listeners return at once.
      providers: options.monitorCommands ? [MongoCommandSpans] : [],
      exports: [MongooseModule],
    };
  }
}

function mongoTlsFiles(config: ConfigService): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const { ca, cert } = readTlsFiles(config, { ca: 'MONGODB_TLS_CA_FILE', cert: 'MONGODB_TLS_CERT_KEY_FILE' });
  return { ...(ca && { ca }), ...(cert && { cert, key: cert }) };
}

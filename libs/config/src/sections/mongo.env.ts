import { Matches } from 'class-validator';
import { EnvInt } from '../env.decorators';

export class MongoEnv {
  @Matches(/^mongodb(\+srv)?:\/\/[^\s]+$/, { message: '$property must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI = 'mongodb://127.0.0.1:27017/medical_reports';

  /**
   * Connections per process. Writes are group-committed, so a few suffice; the driver's default of
   * 100 per worker only queues work inside the server (it helped stall FerretDB's SQLite backend, drill 1).
   */
  @EnvInt(1, 500)
  MONGODB_MAX_POOL_SIZE = 10;

  /** A command without an answer for this long fails (and is retried through the broker) instead of hanging. */
  @EnvInt(1000, 600_000)
  MONGODB_SOCKET_TIMEOUT_MS = 30_000;
}

import { Matches } from 'class-validator';
import { EnvBoolean, EnvInt } from '../env.decorators';
import { EnvReadableFile, EnvTlsWhenRequired } from '../tls.decorators';

export class MongoEnv {
  /** TLS as the URI says: `tls=true` (or `ssl=true`), or mongodb+srv:// without `tls=false`. */
  @Matches(/^mongodb(\+srv)?:\/\/[^\s]+$/, { message: '$property must be a mongodb:// or mongodb+srv:// URI' })
  @EnvTlsWhenRequired('MONGODB_TLS_REQUIRED', mongoUriUsesTls, 'a URI with tls=true (or mongodb+srv://)')
  MONGODB_URI = 'mongodb://127.0.0.1:27017/medical_reports';

  /** Refuse a plaintext MongoDB URI at boot. */
  @EnvBoolean()
  MONGODB_TLS_REQUIRED = false;

  /** With TLS: the PEM bundle of the CAs that sign the server's certificate (unset: Node's default CAs). */
  @EnvReadableFile()
  MONGODB_TLS_CA_FILE?: string;

  /** With TLS: the client certificate and its key in one PEM file, for a server that asks for one. */
  @EnvReadableFile()
  MONGODB_TLS_CERT_KEY_FILE?: string;

  /**
   * Connections per process. Writes are group-committed, so a few suffice; the driver's default of
   * 100 per worker only queues work inside the server (and can exhaust FerretDB's backend connections).
   */
  @EnvInt(1, 500)
  MONGODB_MAX_POOL_SIZE = 10;

  /** A command without an answer for this long fails (and is retried through the broker) instead of hanging. */
  @EnvInt(1000, 600_000)
  MONGODB_SOCKET_TIMEOUT_MS = 30_000;
}

/** Whether the driver will use TLS for this URI (option names are case-insensitive, as the driver reads them). */
function mongoUriUsesTls(uri: unknown): boolean {
  if (typeof uri !== 'string') return false;
  const query = new URLSearchParams(uri.split('?')[1] ?? '');
  const flags = [...query]
    .filter(([name]) => ['tls', 'ssl'].includes(name.toLowerCase()))
    .map(([, value]) => value.toLowerCase());
  if (flags.length === 0) return uri.startsWith('mongodb+srv://');
  return flags.every((flag) => flag === 'true');
}

import { Matches } from 'class-validator';
import { EnvBoolean, EnvInt } from '../env.decorators';
import { EnvReadableFile, EnvSetWith, EnvTlsWhenRequired } from '../tls.decorators';

export class RedisEnv {
  @Matches(/^rediss?:\/\/[^\s]+$/, { message: '$property must be a redis:// or rediss:// URL' })
  @EnvTlsWhenRequired(
    'REDIS_TLS_REQUIRED',
    (url) => typeof url === 'string' && url.startsWith('rediss://'),
    'a rediss:// URL',
  )
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Refuse a plaintext Redis URL at boot: it must be rediss://. */
  @EnvBoolean()
  REDIS_TLS_REQUIRED = false;

  /** For a rediss:// URL: the PEM bundle of the CAs that sign Redis's certificate (unset: Node's default CAs). */
  @EnvReadableFile()
  REDIS_TLS_CA_FILE?: string;

  /** For a rediss:// URL: the client certificate (PEM) Redis asks for (tls-auth-clients), with its key. */
  @EnvReadableFile()
  @EnvSetWith('REDIS_TLS_KEY_FILE')
  REDIS_TLS_CERT_FILE?: string;

  @EnvReadableFile()
  @EnvSetWith('REDIS_TLS_CERT_FILE')
  REDIS_TLS_KEY_FILE?: string;

  /** Seconds the last input of a user stays cached (`input:{user_id}`). */
  @EnvInt(1, 30 * 24 * 3600)
  REDIS_CACHE_TTL = 3600;
}

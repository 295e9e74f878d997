import { REPORT_REQUEST_LIMITS } from '@app/contracts';
import { EnvInt } from '../env.decorators';

/** How large a message the report worker takes from the broker. */
export class MessageSizeEnv {
  /**
   * Bytes of a request message; a larger one is dead-lettered as it came, without being parsed
   * (JSON.parse of many megabytes blocks the worker and holds the text several times over). At
   * most the request contract's own limit, which a parsed request is held to anyway.
   */
  @EnvInt(1024, REPORT_REQUEST_LIMITS.bodyBytes)
  REPORT_MAX_MESSAGE_BYTES = REPORT_REQUEST_LIMITS.bodyBytes;
}

/** The broker is unreachable or did not confirm in time; HTTP maps it to 503 + Retry-After. */
export class BrokerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

/** Who sent a report message, as far as the worker can tell. */
export interface ReportCaller {
  /** The broker user or the signing client; undefined: the message named nobody it could check. */
  id?: string;
  via: 'broker_user' | 'signature' | 'anonymous';
}

/**
 * The message may not do what it asks (unsigned where signatures are required, a bad or stale
 * signature, not a reader). `caller` is who it came from when that is known (a caller that is not
 * a reader), for the audit trail; a bad signature names nobody.
 */
export class AccessRefusedError extends Error {
  constructor(
    message: string,
    readonly caller?: ReportCaller,
  ) {
    super(message);
  }
}

export const ANONYMOUS: ReportCaller = { via: 'anonymous' };

/** How the caller appears in the audit trail. */
export const actorOf = (caller: ReportCaller) => ({ actor: caller.id ?? 'anonymous', actor_via: caller.via });

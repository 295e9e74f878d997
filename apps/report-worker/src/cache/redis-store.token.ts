/** Injection token of the shared @keyv/redis store. */
export const REDIS_STORE = Symbol('REDIS_STORE');

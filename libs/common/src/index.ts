export * from './micro-batcher';
export * from './with-timeout';
export * from './outage-hold';
export * from './metrics.registry';

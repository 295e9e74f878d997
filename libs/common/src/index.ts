export * from './micro-batcher';
export * from './with-timeout';
export * from './outage-hold';
export * from './shared-abort-controller';
export * from './metrics.registry';

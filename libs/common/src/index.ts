export * from './micro-batcher';
export * from './with-timeout';

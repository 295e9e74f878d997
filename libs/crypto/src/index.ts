export * from './key-ring';
export * from './envelope.cipher';
export * from './content.hmac';

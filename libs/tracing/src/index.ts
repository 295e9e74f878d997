export * from './tracing.runtime';
export * from './spans';
export * from './amqp-trace.headers';
export * from './messaging.spans';
export * from './tracing.module';
export * from './http-server-span.interceptor';

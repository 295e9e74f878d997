export * from './rabbitmq-connection.module';
export * from './rabbitmq.health-indicator';

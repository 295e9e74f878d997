export * from './mongo-connection.module';

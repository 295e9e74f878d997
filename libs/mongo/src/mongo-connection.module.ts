import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';

/**
 * One Mongoose connection from MONGODB_URI. Short server-selection timeouts so that an outage
 * surfaces as an error (and a retry through the broker) instead of a request that hangs.
 */
export interface MongoConnectionOptions {
  /** Emit the driver's command events (one per round trip), e.g. for metrics. Off by default. */
  monitorCommands?: boolean;
}

@Module({})
export class MongoConnectionModule {
  static forRoot(options: MongoConnectionOptions = {}): DynamicModule {
    return {
      module: MongoConnectionModule,
      imports: [
        MongooseModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            uri: config.getOrThrow<string>('MONGODB_URI'),
            serverSelectionTimeoutMS: 5000,
            connectTimeoutMS: 5000,
            bufferCommands: false,
            autoIndex: true,
            lazyConnection: false,
            monitorCommands: options.monitorCommands ?? false,
          }),
        }),
      ],
      exports: [MongooseModule],
    };
  }
}

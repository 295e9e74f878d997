import { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ClassConstructor } from 'class-transformer';
import { validateSettings } from './settings.validation';

/**
 * The app's ConfigModule, global, validated against `schema` when the app module is built. Read
 * values with `ConfigService<Schema, true>`; they are already typed (numbers, booleans, lists).
 */
export function settingsModule<T extends object>(schema: ClassConstructor<T>): Promise<DynamicModule> {
  return ConfigModule.forRoot({
    isGlobal: true,
    cache: true,
    envFilePath: process.env.ENV_FILE ?? '.env',
    validate: (env) => validateSettings(schema, env),
  });
}

import { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ClassConstructor } from 'class-transformer';
import { readEnvironment } from './settings.loader';
import { validateSettings } from './settings.validation';

/**
 * The app's ConfigModule, global. Read values with `ConfigService<Schema, true>`; they are already
 * typed (numbers, booleans, lists). `settings` are the ones main.ts loaded and validated at boot;
 * without them (a test, a command) the environment over the .env file is validated against `schema`
 * when the app module is built.
 */
export function settingsModule<T extends object>(schema: ClassConstructor<T>, settings?: T): Promise<DynamicModule> {
  return ConfigModule.forRoot({
    isGlobal: true,
    cache: true,
    // .env is read by readEnvironment alone, so every entry point parses it the same way.
    ignoreEnvFile: true,
    validate: (env) => settings ?? validateSettings(schema, readEnvironment(env)),
  });
}

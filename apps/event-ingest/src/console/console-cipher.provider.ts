import { EnvelopeCipher, KeyRing } from '@app/crypto';
import { FactoryProvider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

/**
 * The report worker's key ring, given to the console on purpose (CONSOLE_REPORT_ENCRYPTION_KEYS);
 * undefined without it, and then sealed dead letters and stored reports stay shut.
 */
export const consoleCipherProvider: FactoryProvider<EnvelopeCipher | undefined> = {
  provide: EnvelopeCipher,
  inject: [ConfigService],
  useFactory: (config: ConfigService) => {
    const keys = config.get<string>('CONSOLE_REPORT_ENCRYPTION_KEYS');
    return keys ? new EnvelopeCipher(KeyRing.parse(keys)) : undefined;
  },
};

import { ReportWorkerEnv } from '@app/config';
import { ContentHmac, EnvelopeCipher, KeyRing } from '@app/crypto';
import { ReportRetention } from '@app/mongo';
import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

const DAY_MS = 24 * 3600 * 1000;

/**
 * How patient data is protected wherever the worker keeps it: the cipher that seals it (MongoDB,
 * Redis, the dead-letter queue), the keyed fingerprint that recognises identical input, and the
 * retention that ends it. Global: the repositories of libs/mongo take them too. The settings were
 * validated at boot (a missing or bad key stops the worker there).
 */
@Global()
@Module({
  providers: [
    {
      provide: EnvelopeCipher,
      inject: [ConfigService],
      useFactory: (config: ConfigService<ReportWorkerEnv, true>) =>
        new EnvelopeCipher(KeyRing.parse(config.get('REPORT_ENCRYPTION_KEYS', { infer: true }))),
    },
    {
      provide: ContentHmac,
      inject: [ConfigService],
      useFactory: (config: ConfigService<ReportWorkerEnv, true>) =>
        new ContentHmac(config.get('REPORT_CONTENT_HMAC_KEY', { infer: true })),
    },
    {
      provide: ReportRetention,
      inject: [ConfigService],
      useFactory: (config: ConfigService<ReportWorkerEnv, true>) =>
        new ReportRetention(config.get('REPORT_RETENTION_DAYS', { infer: true }) * DAY_MS),
    },
  ],
  exports: [EnvelopeCipher, ContentHmac, ReportRetention],
})
export class ReportProtectionModule {}

import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { startTracing, TracingSession } from './tracing.runtime';

const TRACING_SESSION = Symbol('TRACING_SESSION');

/** Tracing from the OTEL_* settings (TracingEnv); the session is made with the module, before any module's init. */
function tracingSession(config: ConfigService, defaultServiceName: string): TracingSession {
  const serviceName = config.get<string>('OTEL_SERVICE_NAME') || defaultServiceName;
  const session = startTracing({
    endpoint: config.get<string>('OTEL_EXPORTER_OTLP_ENDPOINT') ?? '',
    serviceName,
    sampleRatio: config.get<number>('OTEL_TRACES_SAMPLER_ARG') ?? 1,
  });
  if (session.on) new Logger('Tracing').log({ msg: 'exporting traces', url: session.url, service: serviceName });
  return session;
}

/** Flushes the spans still buffered once everything else has shut down. */
@Injectable()
export class TracingLifecycle implements OnApplicationShutdown {
  constructor(@Inject(TRACING_SESSION) private readonly session: TracingSession) {}

  /** After the drains (beforeApplicationShutdown), so the spans of the last deliveries are sent too. */
  async onApplicationShutdown(): Promise<void> {
    await this.session.shutdown();
  }
}

/** OpenTelemetry for one app; `serviceName` is its service.name unless OTEL_SERVICE_NAME names another. */
@Global()
@Module({})
export class TracingModule {
  static forRoot(serviceName: string): DynamicModule {
    return {
      module: TracingModule,
      providers: [
        {
          provide: TRACING_SESSION,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => tracingSession(config, serviceName),
        },
        TracingLifecycle,
      ],
    };
  }
}

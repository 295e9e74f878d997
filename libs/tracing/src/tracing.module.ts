import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { startTracing, TracingSession } from './tracing.runtime';

const DEFAULT_SERVICE_NAME = Symbol('DEFAULT_SERVICE_NAME');

/** Starts tracing from the OTEL_* settings (TracingEnv) when the app starts, flushes it after everything else has shut down. */
@Injectable()
export class TracingLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Tracing');
  private session?: TracingSession;

  constructor(
    private readonly config: ConfigService,
    @Inject(DEFAULT_SERVICE_NAME) private readonly defaultServiceName: string,
  ) {}

  onModuleInit(): void {
    const serviceName = this.config.get<string>('OTEL_SERVICE_NAME') || this.defaultServiceName;
    this.session = startTracing({
      endpoint: this.config.get<string>('OTEL_EXPORTER_OTLP_ENDPOINT') ?? '',
      serviceName,
      sampleRatio: this.config.get<number>('OTEL_TRACES_SAMPLER_ARG') ?? 1,
    });
    if (this.session.on) this.logger.log({ msg: 'exporting traces', url: this.session.url, service: serviceName });
  }

  /** After the drains (beforeApplicationShutdown), so the spans of the last deliveries are sent too. */
  async onApplicationShutdown(): Promise<void> {
    await this.session?.shutdown();
  }
}

/** OpenTelemetry for one app; `serviceName` is its service.name unless OTEL_SERVICE_NAME names another. */
@Global()
@Module({})
export class TracingModule {
  static forRoot(serviceName: string): DynamicModule {
    return {
      module: TracingModule,
      providers: [{ provide: DEFAULT_SERVICE_NAME, useValue: serviceName }, TracingLifecycle],
    };
  }
}

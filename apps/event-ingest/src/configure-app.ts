import { HttpServerEnv, httpServerSettings } from '@app/config';
import { activeTracer, HttpServerSpanInterceptor } from '@app/tracing';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { secureConsoleResponses } from './console/console-response.headers';
import { DistinctMessagesValidationPipe } from './distinct-messages.validation.pipe';
import { observeHttpRequests } from './http-metrics.hook';
import { httpServerOptions } from './http-server.options';
import { acceptJsonBodiesOnly } from './json-body.parser';
import { limitJsonNesting } from './json-nesting.hook';
import { EventIngestMetrics } from './metrics/event-ingest.metrics';
import { limitRequestRate } from './rate-limit.hook';

/**
 * The Fastify adapter main.ts uses; tests create theirs here too so limits match production.
 * Without `settings` it reads them from the environment (and .env).
 */
export function createHttpAdapter(settings: HttpServerEnv = httpServerSettings()): FastifyAdapter {
  const adapter = new FastifyAdapter(httpServerOptions(settings));
  limitRequestRate(adapter, settings.HTTP_RATE_LIMIT_PER_MINUTE);
  acceptJsonBodiesOnly(adapter);
  limitJsonNesting(adapter.getInstance());
  secureConsoleResponses(adapter.getInstance());
  return adapter;
}

/** Everything main.ts does to the app besides listening; e2e tests call it too. */
export function configureApp(app: NestFastifyApplication): NestFastifyApplication {
  observeHttpRequests(app.getHttpAdapter().getInstance(), app.get(EventIngestMetrics));
  // Only while tracing is on: an interceptor puts every request through Nest's interceptor chain.
  if (activeTracer()) app.useGlobalInterceptors(new HttpServerSpanInterceptor());
  app.useGlobalPipes(
    new DistinctMessagesValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('event-ingest')
      .setDescription('E-commerce interaction events into Neo4j and Qdrant through RabbitMQ.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', ui: swaggerUiAvailable() });
  return app;
}

/**
 * The UI needs @fastify/static, whose dependencies are ESM-only `.js` files: Node loads them, Jest
 * (CommonJS, node_modules untransformed) cannot. Without it, /docs-json is still served.
 */
function swaggerUiAvailable(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a probe: does this runtime load it?
    require('@fastify/static');
    return true;
  } catch {
    return false;
  }
}

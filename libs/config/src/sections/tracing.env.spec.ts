import { SettingsError } from '../settings.error';
import { validateSettings } from '../settings.validation';
import { TracingEnv } from './tracing.env';

function problemsOf(env: Record<string, string>): string[] {
  try {
    validateSettings(TracingEnv, env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
}

describe('TracingEnv', () => {
  it('is off by default, every new trace kept once on, the service named by the app', () => {
    expect(validateSettings(TracingEnv, {})).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_SERVICE_NAME: '',
      OTEL_TRACES_SAMPLER_ARG: 1,
    });
  });

  it('takes a collector URL and a sampling ratio', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_TRACES_SAMPLER_ARG: '0.25' };
    expect(validateSettings(TracingEnv, env)).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
      OTEL_TRACES_SAMPLER_ARG: 0.25,
    });
  });

  it('refuses an endpoint that is not an http(s) URL and a ratio outside 0 to 1', () => {
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://jaeger:4317' })).toEqual([
      expect.stringContaining('OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL'),
    ]);
    for (const ratio of ['1.5', '-0.1', 'half']) {
      expect(problemsOf({ OTEL_TRACES_SAMPLER_ARG: ratio })).toEqual([
        expect.stringContaining('OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1'),
      ]);
    }
  });
});

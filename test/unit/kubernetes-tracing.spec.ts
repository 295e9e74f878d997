import { EventIngestEnv, EventWorkerEnv, ReportWorkerEnv, validateSettings } from '@app/config';
import { KUBERNETES_BASE_DIR, KubernetesBase } from '@app/testing/kubernetes-manifests';
import { testSecrets } from '@app/testing/test-secrets';

/** Values for the Secret keys the Deployments reference: shaped like an operator's, made here. */
const secretValues: Record<string, string> = {
  RABBITMQ_URL: 'amqp://platform:not-a-password@rabbitmq:5672',
  MONGODB_URI: 'mongodb://mongodb:27017/medical_reports',
  REDIS_URL: 'redis://redis:6379',
  NEO4J_PASSWORD: 'not-a-password',
  ...testSecrets(),
};

/** The tracing settings every app's settings class has. */
interface Tracing {
  OTEL_EXPORTER_OTLP_ENDPOINT: string;
  OTEL_TRACES_SAMPLER_ARG: number;
}

/** Every process of the platform, with the settings class it validates at boot. */
const PROCESSES: { deployment: string; settings: new () => Tracing; extra: Record<string, string> }[] = [
  { deployment: 'report-worker', settings: ReportWorkerEnv, extra: {} },
  { deployment: 'event-ingest-api', settings: EventIngestEnv, extra: {} },
  {
    deployment: 'event-worker-neo4j',
    settings: EventWorkerEnv,
    extra: { EVENT_PROCESSORS: 'neo4j', EVENT_WORKER_CHILD: 'true' },
  },
  {
    deployment: 'event-worker-qdrant',
    settings: EventWorkerEnv,
    extra: { EVENT_PROCESSORS: 'qdrant', EVENT_WORKER_CHILD: 'true' },
  },
];

const TRACING_POLICY = 'nest-rmq-platform-allow-tracing';

function tracingOf(base: KubernetesBase, process: (typeof PROCESSES)[number]): Tracing {
  const environment = base.environment(base.container(process.deployment), (ref) => secretValues[ref.key]);
  return validateSettings(process.settings, { ...environment, ...process.extra });
}

describe('traces in deploy/kubernetes', () => {
  const base = new KubernetesBase();
  const traced = new KubernetesBase(KUBERNETES_BASE_DIR, ['tracing']);

  describe.each(PROCESSES)('$deployment', (process) => {
    it('sends no spans from the base', () => {
      expect(tracingOf(base, process).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('');
    });

    it('with components/tracing, starts with settings it accepts and sends its spans to the collector', () => {
      const settings = tracingOf(traced, process);
      expect(settings.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
      expect(settings.OTEL_TRACES_SAMPLER_ARG).toBeGreaterThan(0);
    });
  });

  it('with components/tracing, lets every process of the platform reach the collector past the default deny', () => {
    const collector = new URL(traced.configMap('platform-settings').OTEL_EXPORTER_OTLP_ENDPOINT);
    expect(traced.tcpPorts(TRACING_POLICY, 'egress')).toEqual([Number(collector.port)]);
    const policy = traced.named('NetworkPolicy', TRACING_POLICY) as unknown as {
      spec: { podSelector: unknown; policyTypes: string[] };
    };
    const denyAll = traced.named('NetworkPolicy', 'nest-rmq-platform-default-deny') as unknown as {
      spec: { podSelector: unknown };
    };
    expect(policy.spec.podSelector).toEqual(denyAll.spec.podSelector);
    expect(policy.spec.policyTypes).toEqual(['Egress']);
  });
});

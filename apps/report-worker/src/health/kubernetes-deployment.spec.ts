import { ReportWorkerEnv, validateSettings } from '@app/config';
import { reportQueueNames } from '@app/contracts';
import { Deployment, KubernetesBase, Resource } from '@app/testing/kubernetes-manifests';
import { testSecrets } from '@app/testing/test-secrets';
import { PATH_METADATA } from '@nestjs/common/constants';
import { HealthController } from './health.controller';

/** Values for the Secret keys the Deployment references: shaped like an operator's, made here. */
const secretValues: Record<string, string> = {
  RABBITMQ_URL: 'amqp://report-worker:not-a-password@rabbitmq:5672',
  MONGODB_URI: 'mongodb://mongodb:27017/medical_reports',
  REDIS_URL: 'redis://redis:6379',
  ...testSecrets(),
};
/** Settings that may carry credentials or keys: only ever read from a Secret. */
const FROM_SECRETS_ONLY = [
  'RABBITMQ_URL',
  'MONGODB_URI',
  'REDIS_URL',
  'REPORT_ENCRYPTION_KEYS',
  'REPORT_CONTENT_HMAC_KEY',
  'REPORT_SIGNING_KEYS',
  'OPENAI_API_KEY',
];
/** main.ts: the process gives up this long after REPORT_DRAIN_TIMEOUT_MS. */
const CLOSE_AFTER_DRAIN_MS = 15_000;

function route(method: keyof HealthController): string {
  const prefix = Reflect.getMetadata(PATH_METADATA, HealthController) as string;
  const path = Reflect.getMetadata(PATH_METADATA, HealthController.prototype[method]) as string;
  return `/${prefix}/${path}`;
}

interface ScaledObject extends Resource {
  spec: { scaleTargetRef: { name: string }; triggers: { type: string; metadata: { queueName: string } }[] };
}

describe('the report worker in deploy/kubernetes/base', () => {
  const base = new KubernetesBase();
  const container = base.container('report-worker');
  // Built in each test, so that one broken reference fails the tests it breaks, not the file.
  const settings = () =>
    validateSettings(
      ReportWorkerEnv,
      base.environment(container, (ref) => secretValues[ref.key]),
    );

  it('starts with settings the worker accepts at boot, its secrets given by the Secrets it names', () => {
    expect(settings).not.toThrow();
  });

  it('names each Secret key after the setting it fills', () => {
    for (const variable of container.env ?? [])
      if (variable.valueFrom?.secretKeyRef) expect(variable.valueFrom.secretKeyRef.key).toBe(variable.name);
  });

  it('reads credentials and keys from Secrets only, never from its ConfigMaps', () => {
    const fromSecrets = (container.env ?? []).filter((variable) => variable.valueFrom?.secretKeyRef);
    expect(fromSecrets.map((variable) => variable.name).sort()).toEqual([...FROM_SECRETS_ONLY].sort());
    for (const source of container.envFrom ?? []) {
      const written = Object.keys(base.configMap(source.configMapRef!.name));
      expect(written.filter((name) => FROM_SECRETS_ONLY.includes(name))).toEqual([]);
    }
    expect(base.ofKind('Secret')).toEqual([]);
  });

  it("probes the health controller's routes on HEALTH_PORT", () => {
    const port = settings().HEALTH_PORT;
    for (const [probe, method] of [
      [container.startupProbe, 'live'],
      [container.livenessProbe, 'live'],
      [container.readinessProbe, 'ready'],
    ] as const) {
      expect(probe?.httpGet?.path).toBe(route(method));
      expect(KubernetesBase.portNumber(container, probe!.httpGet!.port)).toBe(port);
    }
  });

  it('may be scraped and probed on HEALTH_PORT from the monitoring namespace', () => {
    expect(base.tcpPorts('nest-rmq-platform-allow-monitoring', 'ingress')).toContain(settings().HEALTH_PORT);
  });

  it('lets a stopping worker drain and close before Kubernetes kills it', () => {
    const { REPORT_DRAIN_TIMEOUT_MS } = settings();
    const grace = base.named<Deployment>('Deployment', 'report-worker').spec.template.spec
      .terminationGracePeriodSeconds;
    expect((grace ?? 30) * 1000).toBeGreaterThan(REPORT_DRAIN_TIMEOUT_MS + CLOSE_AFTER_DRAIN_MS);
  });

  it('scales on the request queue and the urgent queue the worker consumes', () => {
    const scaled = base.named<ScaledObject>('ScaledObject', 'report-worker');
    const { RABBITMQ_REQUEST_QUEUE } = settings();
    expect(scaled.spec.scaleTargetRef.name).toBe('report-worker');
    expect(scaled.spec.triggers.map((trigger) => [trigger.type, trigger.metadata.queueName])).toEqual([
      ['rabbitmq', RABBITMQ_REQUEST_QUEUE],
      ['rabbitmq', reportQueueNames(RABBITMQ_REQUEST_QUEUE).urgentQueue],
    ]);
  });
});

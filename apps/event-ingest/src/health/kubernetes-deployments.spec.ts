import { EventIngestEnv, EventWorkerEnv, validateSettings } from '@app/config';
import { EVENT_SINKS, eventTopologyNames, sinkQueueName } from '@app/contracts';
import { Container, Deployment, KubernetesBase, Resource } from '@app/testing/kubernetes-manifests';
import { testSecrets } from '@app/testing/test-secrets';
import { PATH_METADATA } from '@nestjs/common/constants';
import { parseWorkerArgs } from '../worker/worker-args';
import { HealthController } from './health.controller';

/** Values for the Secret keys the Deployments reference: shaped like an operator's, made here. */
const secretValues: Record<string, string> = {
  RABBITMQ_URL: 'amqp://event-ingest:not-a-password@rabbitmq:5672',
  NEO4J_PASSWORD: 'not-a-password',
  ...testSecrets(),
};
/** exitCleanlyOnSignals: the API's close is cut off after this long. */
const API_CLOSE_DEADLINE_MS = 60_000;
/** eventDeliverySettings: a stopping worker hands back batches still held after this long. */
const WORKER_DRAIN_MS = 10_000;
/** After the drain: the last acks settle (1 s), the connections and the Neo4j driver close. */
const WORKER_CLOSE_MARGIN_MS = 15_000;

/** AMQP and AMQPS. */
const RABBITMQ_PORTS = [5671, 5672];
/** A store URL without a port means the driver's default. */
const STORE_DEFAULT_PORTS = { neo4j: 7687, qdrant: 6333 } as const;

function route(method: keyof HealthController): string {
  const prefix = Reflect.getMetadata(PATH_METADATA, HealthController) as string;
  const path = Reflect.getMetadata(PATH_METADATA, HealthController.prototype[method]) as string;
  return `/${prefix}/${path}`;
}

interface ScaledObject extends Resource {
  spec: { scaleTargetRef: { name: string }; triggers: { type: string; metadata: { queueName: string } }[] };
}

describe('event-ingest in deploy/kubernetes/base', () => {
  const base = new KubernetesBase();
  const environment = (container: Container) => base.environment(container, (ref) => secretValues[ref.key]);
  const grace = (name: string) =>
    base.named<Deployment>('Deployment', name).spec.template.spec.terminationGracePeriodSeconds ?? 30;

  function expectProbesOn(container: Container, port: number): void {
    for (const [probe, method] of [
      [container.startupProbe, 'live'],
      [container.livenessProbe, 'live'],
      [container.readinessProbe, 'ready'],
    ] as const) {
      expect(probe?.httpGet?.path).toBe(route(method));
      expect(KubernetesBase.portNumber(container, probe!.httpGet!.port)).toBe(port);
    }
  }

  describe('the API', () => {
    const container = base.container('event-ingest-api');
    const settings = () => validateSettings(EventIngestEnv, environment(container));

    it('starts with settings the API accepts at boot, ADMIN_TOKEN from its Secret', () => {
      expect(settings).not.toThrow();
      expect(container.env?.find((variable) => variable.name === 'ADMIN_TOKEN')?.valueFrom?.secretKeyRef).toEqual({
        name: 'event-ingest-secrets',
        key: 'ADMIN_TOKEN',
      });
    });

    it("probes the health controller's routes on PORT", () => {
      expectProbesOn(container, settings().PORT);
    });

    it('is reachable on PORT and reaches RabbitMQ only', () => {
      expect(base.tcpPorts('event-ingest-api', 'ingress')).toEqual([settings().PORT]);
      expect(base.tcpPorts('event-ingest-api', 'egress').sort()).toEqual(RABBITMQ_PORTS);
    });

    it('outlasts its preStop pause and its own close deadline', () => {
      const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
      const pauseSeconds = preStop[0] === 'sleep' ? Number(preStop[1]) : 0;
      expect(grace('event-ingest-api') * 1000).toBeGreaterThan(pauseSeconds * 1000 + API_CLOSE_DEADLINE_MS);
    });
  });

  describe.each(EVENT_SINKS)('the %s worker', (sink) => {
    const name = `event-worker-${sink}`;
    const container = base.container(name);
    const command = () => {
      const [app, ...args] = container.args ?? [];
      expect(app).toBe('event-worker');
      return parseWorkerArgs(args);
    };
    // What the supervisor hands its child: the environment plus the role of --queue.
    const settings = () =>
      validateSettings(EventWorkerEnv, {
        ...environment(container),
        EVENT_PROCESSORS: sink,
        EVENT_WORKER_CHILD: 'true',
      });

    it(`runs one ${sink} processor process per pod, with a health port`, () => {
      expect(command()).toMatchObject({ command: 'work', queue: sink, workers: 1, healthPort: expect.any(Number) });
    });

    it('starts with settings the worker accepts at boot, its sink among EVENT_SINKS', () => {
      expect(settings).not.toThrow();
      expect(settings().EVENT_SINKS).toContain(sink);
    });

    it("probes the health controller's routes on --health-port", () => {
      const parsed = command();
      expectProbesOn(container, parsed.command === 'work' ? parsed.healthPort! : NaN);
    });

    it('may reach RabbitMQ and the store its settings name, and be probed from monitoring', () => {
      const store = new URL(sink === 'neo4j' ? settings().NEO4J_URI : settings().QDRANT_URL);
      const egress = base.tcpPorts(name, 'egress');
      expect(egress).toEqual(
        expect.arrayContaining([...RABBITMQ_PORTS, Number(store.port || STORE_DEFAULT_PORTS[sink])]),
      );
      const parsed = command();
      expect(base.tcpPorts('nest-rmq-platform-allow-monitoring', 'ingress')).toContain(
        parsed.command === 'work' ? parsed.healthPort : NaN,
      );
    });

    it('lets a stopping worker hand back its batches and close before Kubernetes kills it', () => {
      expect(grace(name) * 1000).toBeGreaterThan(WORKER_DRAIN_MS + WORKER_CLOSE_MARGIN_MS);
    });

    it(`scales on the ${sink} queue it consumes`, () => {
      const scaled = base.named<ScaledObject>('ScaledObject', name);
      const queue = sinkQueueName(eventTopologyNames(settings().EVENTS_TOPOLOGY_PREFIX), sink);
      expect(scaled.spec.scaleTargetRef.name).toBe(name);
      expect(scaled.spec.triggers.map((trigger) => [trigger.type, trigger.metadata.queueName])).toEqual([
        ['rabbitmq', queue],
      ]);
    });
  });
});

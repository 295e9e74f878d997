import { loadAll } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** The kustomize base the operators deploy: deploy/kubernetes/base. */
export const KUBERNETES_BASE_DIR = join(__dirname, '..', '..', '..', 'deploy', 'kubernetes', 'base');
/** The components an overlay may add to it: deploy/kubernetes/components/<name>. */
const KUBERNETES_COMPONENTS_DIR = join(KUBERNETES_BASE_DIR, '..', 'components');

interface SecretKeyRef {
  name: string;
  key: string;
  optional?: boolean;
}

export interface ContainerEnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: SecretKeyRef; configMapKeyRef?: { name: string; key: string } };
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
}

export interface Container {
  name: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: ContainerEnvVar[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}

export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
}

export interface Deployment extends Resource {
  spec: { template: { spec: { terminationGracePeriodSeconds?: number; containers: Container[] } } };
}

interface PolicyRule {
  ports?: { protocol?: string; port: number }[];
}

export interface NetworkPolicy extends Resource {
  spec: { ingress?: PolicyRule[]; egress?: PolicyRule[] };
}

interface Kustomization {
  resources?: string[];
  configMapGenerator?: { name: string; behavior?: 'create' | 'merge'; envs: string[] }[];
}

/**
 * The base as written (before kustomize), with the named components added as an overlay would:
 * every resource they list, and the settings of each generated ConfigMap (a component's `merge`
 * generator adding to the base's). What a Deployment gets from a Secret is named by reference only.
 */
export class KubernetesBase {
  readonly resources: Resource[] = [];
  private readonly configMaps = new Map<string, Record<string, string>>();

  constructor(
    private readonly dir = KUBERNETES_BASE_DIR,
    components: string[] = [],
  ) {
    this.add(dir);
    for (const component of components) this.add(join(KUBERNETES_COMPONENTS_DIR, component));
  }

  private add(dir: string): void {
    const kustomization = yaml<Kustomization>(dir, 'kustomization.yaml')[0];
    this.resources.push(...(kustomization.resources ?? []).flatMap((file) => yaml<Resource>(dir, file)));
    for (const generator of kustomization.configMapGenerator ?? []) {
      const settings = generator.envs.map((file) => parseEnv(readFileSync(join(dir, file), 'utf8')));
      const merged = generator.behavior === 'merge' ? [this.configMap(generator.name), ...settings] : settings;
      this.configMaps.set(generator.name, Object.assign({}, ...merged) as Record<string, string>);
    }
  }

  ofKind<T extends Resource>(kind: string): T[] {
    return this.resources.filter((resource) => resource.kind === kind) as T[];
  }

  named<T extends Resource>(kind: string, name: string): T {
    const found = this.ofKind<T>(kind).find((resource) => resource.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in ${this.dir}`);
    return found;
  }

  /** The only container of a Deployment (every one of ours runs one). */
  container(deploymentName: string): Container {
    const [container, ...others] = this.named<Deployment>('Deployment', deploymentName).spec.template.spec.containers;
    if (others.length > 0) throw new Error(`${deploymentName} runs more than one container`);
    return container;
  }

  /**
   * The environment a container starts with: its ConfigMaps' settings, its literal values, and for
   * each Secret reference the value `secretValue` gives (optional references only when it gives one).
   */
  environment(container: Container, secretValue: (ref: SecretKeyRef) => string | undefined): Record<string, string> {
    const env: Record<string, string> = {};
    for (const source of container.envFrom ?? []) {
      if (source.secretRef) throw new Error(`${container.name}: whole-Secret envFrom hides which keys it needs`);
      Object.assign(env, this.configMap(source.configMapRef!.name));
    }
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom?.secretKeyRef;
      const value = ref ? secretValue(ref) : variable.value;
      if (value === undefined && !ref?.optional) throw new Error(`${container.name}: no value for ${variable.name}`);
      if (value !== undefined) env[variable.name] = value;
    }
    return env;
  }

  configMap(name: string): Record<string, string> {
    const settings = this.configMaps.get(name);
    if (!settings) throw new Error(`no generated ConfigMap ${name} in ${this.dir}`);
    return settings;
  }

  /** The TCP ports a NetworkPolicy opens in one direction, over all its rules. */
  tcpPorts(policyName: string, direction: 'ingress' | 'egress'): number[] {
    const rules = this.named<NetworkPolicy>('NetworkPolicy', policyName).spec[direction] ?? [];
    return rules.flatMap((rule) =>
      (rule.ports ?? []).filter((port) => (port.protocol ?? 'TCP') === 'TCP').map((port) => port.port),
    );
  }

  /** The containerPort a probe or Service names, by port name or number. */
  static portNumber(container: Container, port: string | number): number | undefined {
    if (typeof port === 'number') return port;
    return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
  }
}

function yaml<T>(dir: string, file: string): T[] {
  const path = join(dir, file);
  return (loadAll(readFileSync(path, 'utf8')) as T[]).filter(Boolean).map((doc) => {
    if (typeof doc !== 'object') throw new Error(`${path}: not a YAML mapping`);
    return doc;
  });
}

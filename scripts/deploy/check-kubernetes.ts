// The chart, checked by real tools: `helm lint --strict` and `helm template` for the default values,
// every cloud's values file and a blue-green release; every rendered object validated against the
// Kubernetes, Istio and Prometheus Operator schemas (kubernetes-models); a policy over every
// container; and every workload folder present in the chart. Prints `N passed, N failed`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { check, finish } from './checks.ts';
import { CHART } from './render.ts';
import { helm } from './tools.ts';
import { ROOT, workloads } from './workloads.ts';

function attempt(fn: () => void): string[] {
  try {
    fn();
    return [];
  } catch (error) {
    return [String((error as Error & { stdout?: string }).stdout || (error as Error).message).trim()];
  }
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/** The schema class of an object's apiVersion and kind, from the package that models its group. */
async function modelOf(
  object: K8sObject,
): Promise<(new (data: unknown) => { validate(): void }) | undefined> {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const pkg = group?.endsWith('.istio.io')
    ? '@kubernetes-models/istio'
    : group === 'monitoring.coreos.com'
      ? '@kubernetes-models/prometheus-operator'
      : 'kubernetes-models';
  const path = `${pkg}/${group ? `${group}/` : ''}${version}/${object.kind}`;
  try {
    return ((await import(path)) as Record<string, new (data: unknown) => { validate(): void }>)[object.kind];
  } catch {
    return undefined;
  }
}

type PodSpec = {
  containers: Array<{
    name: string;
    image: string;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    readinessProbe?: unknown;
    livenessProbe?: unknown;
    startupProbe?: unknown;
    securityContext?: {
      runAsNonRoot?: boolean;
      readOnlyRootFilesystem?: boolean;
      allowPrivilegeEscalation?: boolean;
      capabilities?: { drop?: string[] };
    };
  }>;
  securityContext?: { runAsNonRoot?: boolean };
};

/** What every container must have; jobs need no probes (they run to completion). */
function policyProblems(object: K8sObject): string[] {
  const template = (object.spec?.template as { spec?: PodSpec } | undefined)?.spec;
  if (!template) return [];
  const where = `${object.kind}/${object.metadata.name}`;
  const problems: string[] = [];
  const longRunning = object.kind !== 'Job' && object.kind !== 'CronJob';
  for (const c of template.containers) {
    const at = `${where} container ${c.name}`;
    const [, tag] = c.image.split(/:(?=[^/]+$)/);
    if (!tag || tag === 'latest') problems.push(`${at}: image ${c.image} has no fixed tag`);
    for (const part of ['requests', 'limits'] as const)
      for (const resource of ['cpu', 'memory'])
        if (!c.resources?.[part]?.[resource]) problems.push(`${at}: no ${part}.${resource}`);
    if (longRunning)
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const)
        if (!c[probe]) problems.push(`${at}: no ${probe}`);
    const nonRoot = c.securityContext?.runAsNonRoot ?? template.securityContext?.runAsNonRoot;
    if (nonRoot !== true) problems.push(`${at}: runAsNonRoot is not true`);
    if (c.securityContext?.readOnlyRootFilesystem !== true)
      problems.push(`${at}: root filesystem is writable`);
    if (c.securityContext?.allowPrivilegeEscalation !== false)
      problems.push(`${at}: privilege escalation allowed`);
    if (!c.securityContext?.capabilities?.drop?.includes('ALL'))
      problems.push(`${at}: capabilities not dropped`);
  }
  if (object.kind === 'Deployment') {
    const strategy = object.spec?.strategy as { rollingUpdate?: { maxUnavailable?: number } } | undefined;
    if (strategy?.rollingUpdate?.maxUnavailable !== 0) problems.push(`${where}: maxUnavailable is not 0`);
    if (!(template as { topologySpreadConstraints?: unknown[] }).topologySpreadConstraints?.length)
      problems.push(`${where}: no topology spread`);
  }
  return problems;
}

const chartDir = join(ROOT, CHART);
const valuesFiles = readdirSync(chartDir)
  .filter((name) => /^values-[a-z]+\.yaml$/.test(name))
  .sort();
const variants: Array<{ name: string; args: string[] }> = [
  { name: 'values.yaml', args: [] },
  ...valuesFiles.map((file) => ({ name: file, args: ['-f', join(CHART, file)] })),
  {
    name: 'blue-green (green active), Istio off',
    args: ['--set', 'global.blueGreen.enabled=true,global.blueGreen.active=green,global.istio.enabled=false'],
  },
];
for (const cloud of ['aws', 'azure', 'gcp', 'oci'])
  if (!valuesFiles.includes(`values-${cloud}.yaml`)) check(`values-${cloud}.yaml exists`, ['missing']);

const expected = workloads().filter((w) => w.kind !== 'migrations');
/** Workloads whose code opens an event bus: on a cloud they must read the Kafka secret. */
const withBus = new Set(
  expected
    .filter((w) => {
      const main = join(ROOT, w.dir, 'src/main.ts');
      return existsSync(main) && readFileSync(main, 'utf8').includes('createEventBus(');
    })
    .map((w) => w.name),
);
for (const variant of variants) {
  check(
    `helm lint --strict (${variant.name})`,
    attempt(() => helm(['lint', '--strict', CHART, ...variant.args])),
  );
  let output = '';
  const templateProblems = attempt(() => {
    output = helm(['template', 'eduspry', CHART, '--namespace', 'eduspry', ...variant.args]);
  });
  check(`helm template (${variant.name})`, templateProblems);
  if (templateProblems.length) continue;
  const objects = parseAllDocuments(output)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => Boolean(object?.kind));

  const schemaProblems: string[] = [];
  for (const object of objects) {
    const Model = await modelOf(object);
    if (!Model) {
      schemaProblems.push(`${object.apiVersion} ${object.kind}: no schema to validate against`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      schemaProblems.push(`${object.kind}/${object.metadata.name}: ${(error as Error).message}`);
    }
  }
  check(
    `${objects.length} rendered objects validate against their schemas (${variant.name})`,
    schemaProblems,
  );
  check(
    `policy: resources, probes, non-root, read-only root, pinned tags (${variant.name})`,
    objects.flatMap(policyProblems),
  );

  const kindsOf = (name: string) =>
    new Set(objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === name).map((o) => o.kind));
  const missing = expected.flatMap((w) => {
    const kinds = kindsOf(w.name);
    return ['Deployment', 'Service', 'ConfigMap', 'PodDisruptionBudget']
      .filter((kind) => !kinds.has(kind))
      .map((kind) => `${w.dir} (${w.name}): no ${kind}; add a block under services: in ${CHART}/values.yaml`);
  });
  if (!kindsOf('migrations').has('Job')) missing.push('no migrations hook Job');
  check(`every workload folder has its Deployment, Service, ConfigMap and PDB (${variant.name})`, missing);

  // The URLs the workloads hand to browsers (…_PUBLIC_URL, …_ALLOWED_ORIGINS) name hosts an
  // Ingress serves, so a host renamed in one place is caught before browsers meet it.
  const served = new Set(
    objects
      .filter((o) => o.kind === 'Ingress')
      .flatMap((o) => ((o.spec?.rules ?? []) as { host?: string }[]).map((rule) => rule.host)),
  );
  const unserved = objects
    .filter((o) => o.kind === 'ConfigMap')
    .flatMap((o) =>
      Object.entries((o as K8sObject & { data?: Record<string, string> }).data ?? {})
        .filter(([key]) => /_PUBLIC_URL$|_ALLOWED_ORIGINS$/.test(key))
        .flatMap(([key, value]) =>
          value
            .split(',')
            .map((url) => new URL(url.trim()).hostname)
            .filter((host) => !served.has(host))
            .map((host) => `${o.metadata.name}: ${key} names ${host}, which no Ingress serves`),
        ),
    );
  check(`every public URL a workload is given names a host its Ingress serves (${variant.name})`, unserved);

  // On a cloud (the values file names a Kafka secret), every workload with an event bus reads it,
  // or its bus could not authenticate to the managed Kafka.
  const kafkaSecret = variant.name.startsWith('values-') ? 'eduspry-kafka' : undefined;
  if (kafkaSecret) {
    const unread = [...withBus].filter((name) =>
      objects
        .filter((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/name'] === name)
        .some((o) => !JSON.stringify(o.spec).includes(`"secretRef":{"name":"${kafkaSecret}"}`)),
    );
    check(
      `every workload with an event bus reads the ${kafkaSecret} Secret (${variant.name})`,
      unread.map((name) => `${name}: set kafka: true (and global.kafkaSecret) in ${CHART}/values.yaml`),
    );
  }
}

finish();

// The Kubernetes manifests' validators: built-in kinds against the Kubernetes API's own OpenAPI schema (as
// compiled by kubernetes-models), custom resources (HelmChart, MetalLB, Cilium) against their CRD schemas.
// A document of a kind neither knows is an error: nothing reaches a cluster unchecked.
import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import { validate as daemonSet } from 'kubernetes-models/_schemas/IoK8sApiAppsV1DaemonSet';
import { validate as deployment } from 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment';
import { validate as statefulSet } from 'kubernetes-models/_schemas/IoK8sApiAppsV1StatefulSet';
import { validate as configMap } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as namespace } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as pvc } from 'kubernetes-models/_schemas/IoK8sApiCoreV1PersistentVolumeClaim';
import { validate as service } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { validate as serviceAccount } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount';
import { validate as ingress } from 'kubernetes-models/_schemas/IoK8sApiNetworkingV1Ingress';
import { validate as clusterRole } from 'kubernetes-models/_schemas/IoK8sApiRbacV1ClusterRole';
import { validate as clusterRoleBinding } from 'kubernetes-models/_schemas/IoK8sApiRbacV1ClusterRoleBinding';
import { validate as role } from 'kubernetes-models/_schemas/IoK8sApiRbacV1Role';
import { validate as roleBinding } from 'kubernetes-models/_schemas/IoK8sApiRbacV1RoleBinding';
import { validate as storageClass } from 'kubernetes-models/_schemas/IoK8sApiStorageV1StorageClass';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Validator } from '../../../check/validator.ts';
import { jsonSchemaValidator, type SchemaRule } from '../../../check/validators/json-schema.ts';
import { locateInDocument, pointerToPath } from '../../../check/yaml-locate.ts';
import type { Diagnostic } from '../../../kernel/diagnostic.ts';

/** Every Kubernetes manifest Beelab renders: the k3s auto-deploy manifests, the clusters' apps and exporters. */
export const KUBE_FILES =
  '{k3s/manifests/*.yaml,k8s/*/apps/**/*.yaml,k8s/*/manifests/*.yaml,k8s/*/monitoring/*.yaml}';
/** Kustomize's own file is not an object of the API. */
const isKustomization = (file: string) => /(^|\/)kustomization\.yaml$/.test(file);

type Check = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** The built-in kinds Beelab writes, by `apiVersion/kind`. */
const BUILTIN: Record<string, Check> = {
  'v1/Namespace': namespace,
  'v1/ConfigMap': configMap,
  'v1/Service': service,
  'v1/ServiceAccount': serviceAccount,
  'v1/PersistentVolumeClaim': pvc,
  'apps/v1/Deployment': deployment,
  'apps/v1/StatefulSet': statefulSet,
  'apps/v1/DaemonSet': daemonSet,
  'networking.k8s.io/v1/Ingress': ingress,
  'rbac.authorization.k8s.io/v1/ClusterRole': clusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': clusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': role,
  'rbac.authorization.k8s.io/v1/RoleBinding': roleBinding,
  'storage.k8s.io/v1/StorageClass': storageClass,
};

/** The custom resources Beelab writes: `apiVersion/kind` → the CRD schema file (group/kind_version.json). */
export const CRDS: Record<string, string> = {
  'helm.cattle.io/v1/HelmChart': 'helm.cattle.io/helmchart_v1.json',
  'metallb.io/v1beta1/IPAddressPool': 'metallb.io/ipaddresspool_v1beta1.json',
  'metallb.io/v1beta1/L2Advertisement': 'metallb.io/l2advertisement_v1beta1.json',
  'cilium.io/v2/CiliumLoadBalancerIPPool': 'cilium.io/ciliumloadbalancerippool_v2.json',
  'cilium.io/v2alpha1/CiliumL2AnnouncementPolicy': 'cilium.io/ciliuml2announcementpolicy_v2alpha1.json',
};

/** The CRD schemas `beelab check` ships (src/check/schemas/k8s-crds/, see its PROVENANCE.md). */
export const SHIPPED_CRDS = new URL('../../../check/schemas/k8s-crds/', import.meta.url);

const typeKey = (d: unknown): string | undefined => {
  if (!d || typeof d !== 'object') return undefined;
  const { apiVersion, kind } = d as { apiVersion?: unknown; kind?: unknown };
  return typeof apiVersion === 'string' && typeof kind === 'string' ? `${apiVersion}/${kind}` : undefined;
};

function message(e: ErrorObject): string {
  const at = e.instancePath === '' ? '(root)' : pointerToPath(e.instancePath).join('.');
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `${at} must be ${String(p.type)}`;
    case 'required':
      return `${at} must have required property ${JSON.stringify(p.missingProperty)}`;
    case 'enum':
      return `${at} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at} ${e.message ?? `fails ${e.keyword} ${JSON.stringify(p)}`}`;
  }
}

/** Built-in kinds through kubernetes-models; a document of a kind no validator knows is an error here. */
export const kubeModelsValidator: Validator = {
  id: 'k8s-models',
  title: 'Kubernetes manifests (kubernetes-models: the API schema)',
  applies: (files) => files.filter((f) => matchesKube(f)),
  async run(ctx) {
    const out: Diagnostic[] = [];
    for (const file of ctx.files) {
      const lineCounter = new LineCounter();
      const docs = parseAllDocuments(ctx.read(file), { lineCounter });
      if (!Array.isArray(docs)) continue;
      for (const [index, doc] of docs.entries()) {
        if (doc.errors.length > 0 || doc.contents === null) continue; // YAML errors: yamllint's and the CRD validator's
        const value = doc.toJS();
        const key = typeKey(value);
        const where = docs.length > 1 ? ` (document ${index + 1})` : '';
        const check = key ? BUILTIN[key] : undefined;
        if (!check) {
          if (key && CRDS[key]) continue;
          out.push({
            code: 'k8s-models',
            severity: 'error',
            message: `${key ?? 'a document without apiVersion and kind'} is no kind Beelab validates${where}`,
            location: { file, ...locateInDocument(doc, lineCounter, ['kind']) },
            hint: `known: ${[...Object.keys(BUILTIN), ...Object.keys(CRDS)].join(', ')}`,
          });
          continue;
        }
        if (check(value)) continue;
        for (const e of check.errors ?? []) {
          const path = pointerToPath(e.instancePath);
          out.push({
            code: 'k8s-models',
            severity: 'error',
            message: `${message(e)}${where}; schema: Kubernetes ${key}`,
            location: { file, ...locateInDocument(doc, lineCounter, path) },
          });
        }
      }
    }
    return out;
  },
};

function matchesKube(file: string): boolean {
  if (isKustomization(file)) return false;
  return (
    /^k3s\/manifests\/[^/]+\.yaml$/.test(file) ||
    /^k8s\/[^/]+\/apps\/.+\.yaml$/.test(file) ||
    /^k8s\/[^/]+\/manifests\/[^/]+\.yaml$/.test(file) ||
    /^k8s\/[^/]+\/monitoring\/[^/]+\.yaml$/.test(file)
  );
}

/** The custom resources against their CRD schemas, read from `dir` (the shipped copies by default). */
export function crdValidator(dir: URL = SHIPPED_CRDS): Validator {
  const rules: SchemaRule[] = Object.entries(CRDS).map(([key, path]) => ({
    files: KUBE_FILES,
    schema: JSON.parse(readFileSync(new URL(path, dir), 'utf8')) as object,
    name: key,
    select: (d) => typeKey(d) === key,
  }));
  return jsonSchemaValidator({
    id: 'schema-k8s-crds',
    title: 'Kubernetes custom resources (CRD schemas: HelmChart, MetalLB, Cilium)',
    rules,
  });
}

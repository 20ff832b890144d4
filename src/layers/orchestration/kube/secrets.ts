// The Secrets the cluster apps' manifests reference, made at apply time and never rendered: each app's
// `<app>-secrets` (one key per secret, from secrets/<app>-<secret>.age) and `<app>-tls`, a certificate for the
// app's name issued by the site's cluster-apps CA (secrets/cluster-apps-ca.age, made once by `beelab apply` with
// openssl). `k8s/<cluster>/app-secrets.sh` prints them as YAML for `kubectl apply -f -`: the values reach the
// cluster through a pipe, never a file in the repository.
import { appSecretName, appSecretVar } from '../../../catalog/apps.ts';
import { selfSignedArgs } from '../../../kernel/openssl.ts';
import { GENERATED_NOTICE } from '../../../tree/serialize/header.ts';
import type { AppCluster, ClusterApp } from './apps.ts';
import { appSecretObject, appTlsSecret } from './manifests.ts';

/** The site's CA for the cluster apps' ingress certificates: its key and certificate, PEM, in one secret. */
export const CLUSTER_APPS_CA = 'cluster-apps-ca';
/** Where the script exports the CA's root certificate for the admin to trust (public, beside the compose roots). */
export const CLUSTER_APPS_ROOT = 'tls/cluster-apps-root.crt';
/** Days an app's certificate is valid: under the 398 days browsers accept; re-issued at every apply of the apps. */
export const APP_CERT_DAYS = 397;

export const appSecretsScriptPath = (cluster: AppCluster) => `k8s/${cluster}/app-secrets.sh`;

/** The keys of the Secret `<app>-secrets`, each with the secret (in secrets/) it holds. */
export function appSecretKeys(a: Pick<ClusterApp, 'app'>): { key: string; secret: string }[] {
  return a.app.secrets.map((s) => ({ key: appSecretVar(s.name), secret: appSecretName(a.app, s.name) }));
}

/** The secrets (in secrets/) the apps of a cluster need at apply time: the CA and every app's own. */
export function clusterAppsSecretNames(apps: readonly ClusterApp[]): string[] {
  return [CLUSTER_APPS_CA, ...apps.flatMap((a) => appSecretKeys(a).map((k) => k.secret))];
}

/** The Secret objects the script prints, by namespace and name, with their type and keys (what tests compare). */
export function clusterAppSecrets(
  apps: readonly ClusterApp[],
): { namespace: string; name: string; type: string; keys: string[] }[] {
  return apps.flatMap((a) => [
    ...(a.app.secrets.length
      ? [
          {
            namespace: a.app.name,
            name: appSecretObject(a.app),
            type: 'Opaque',
            keys: appSecretKeys(a).map((k) => k.key),
          },
        ]
      : []),
    {
      namespace: a.app.name,
      name: appTlsSecret(a.app),
      type: 'kubernetes.io/tls',
      keys: ['tls.crt', 'tls.key'],
    },
  ]);
}

export function renderAppSecretsScript(cluster: AppCluster, apps: readonly ClusterApp[]): string {
  const calls = apps.flatMap((a) => [
    ...(a.app.secrets.length
      ? [
          `generic ${a.app.name} ${appSecretObject(a.app)} ${appSecretKeys(a)
            .map((k) => `${k.key}=${k.secret}`)
            .join(' ')}`,
        ]
      : []),
    `tls ${a.app.name} ${appTlsSecret(a.app)} ${a.service.fqdn}`,
  ]);
  return `#!/usr/bin/env bash
# ${GENERATED_NOTICE}
# The Secrets the apps of the ${cluster} cluster reference, printed as YAML for \`kubectl apply -f -\`; nothing is
# written to the repository but the CA's public root (${CLUSTER_APPS_ROOT}, for the admin to trust):
#   <app>-secrets  one key per secret of the app (DB_PASSWORD, ...), from secrets/<app>-<secret>.age
#   <app>-tls      a certificate for the app's name (${APP_CERT_DAYS} days) issued by the CA in secrets/${CLUSTER_APPS_CA}.age
# Needs openssl and base64, and age when not run by beelab apply. Run from anywhere:
#   k8s/${cluster}/app-secrets.sh | kubectl apply -f -
set -euo pipefail
cd "$(dirname "$0")/../.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"

# The file holding a secret's value: handed over by beelab apply ($BEELAB_SECRET_<NAME>), else decrypted
# into the temporary directory with the admin's age key.
secret_file() {
  local var
  var="BEELAB_SECRET_$(tr 'a-z-' 'A-Z_' <<<"$1")"
  if [[ -n "\${!var:-}" ]]; then
    echo "\${!var}"
  else
    age -d -i "\${BEELAB_AGE_IDENTITY:-$HOME/.config/beelab/age.key}" -o "$work/$1" "secrets/$1.age"
    echo "$work/$1"
  fi
}

# A value without its trailing newline (as the Compose apps' .env has it), base64 on one line.
value64() { printf '%s' "$(<"$1")" | base64 -w0; }

header() {
  printf -- '---\\napiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: %s\\n  namespace: %s\\n  labels:\\n    app.kubernetes.io/name: %s\\n    app.kubernetes.io/managed-by: beelab\\ntype: %s\\ndata:\\n' "$2" "$1" "$1" "$3"
}

# generic NAMESPACE NAME KEY=SECRET...: one key per secret of the app.
generic() {
  local ns=$1 name=$2 pair
  shift 2
  header "$ns" "$name" Opaque
  for pair in "$@"; do
    printf '  %s: %s\\n' "\${pair%%=*}" "$(value64 "$(secret_file "\${pair#*=}")")"
  done
}

# The CA: its key and certificate, PEM, in one secret.
ca=$(secret_file ${CLUSTER_APPS_CA})
openssl pkey -in "$ca" -out "$work/ca.key"
openssl x509 -in "$ca" -out "$work/ca.crt"
mkdir -p "$(dirname ${CLUSTER_APPS_ROOT})"
cmp -s "$work/ca.crt" ${CLUSTER_APPS_ROOT} || cp "$work/ca.crt" ${CLUSTER_APPS_ROOT}

# tls NAMESPACE NAME FQDN: a fresh key and a certificate for FQDN, the chain with the CA's certificate.
tls() {
  local ns=$1 name=$2 fqdn=$3
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -noenc -subj "/CN=$fqdn" \\
    -keyout "$work/$name.key" -out "$work/$name.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s\\nbasicConstraints=critical,CA:FALSE\\nkeyUsage=critical,digitalSignature\\nextendedKeyUsage=serverAuth\\n' "$fqdn" >"$work/$name.ext"
  openssl x509 -req -in "$work/$name.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \\
    -set_serial "0x$(openssl rand -hex 16)" -days ${APP_CERT_DAYS} -extfile "$work/$name.ext" \\
    -out "$work/$name.crt" 2>/dev/null
  header "$ns" "$name" kubernetes.io/tls
  printf '  tls.crt: %s\\n' "$(cat "$work/$name.crt" "$work/ca.crt" | base64 -w0)"
  printf '  tls.key: %s\\n' "$(base64 -w0 <"$work/$name.key")"
}

${calls.join('\n')}
`;
}

/**
 * openssl's arguments that make the CA into OUT (a SECRET_TOOLS entry): an ECDSA P-256 root valid ten years that
 * signs only leaf certificates, its key and then its certificate in the one file (openssl appends when -keyout and
 * -out name the same file).
 */
export function caToolArgs(out: string): string[] {
  return selfSignedArgs({
    days: 3650,
    subject: '/CN=Beelab cluster apps CA',
    extensions: ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign'],
    keyout: out,
    out,
  });
}

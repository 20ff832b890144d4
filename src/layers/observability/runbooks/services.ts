// Runbooks of what runs on the machines: the clusters, the AI mesh, the backups, the watchdogs, certificates.
import type { Site } from '../../../site/types.ts';
import { code, table } from '../../markdown.ts';
import { host, login, named, type Runbook, sh, steps, withRole } from './runbook.ts';

const none = (slug: Runbook['slug'], why: string): Runbook => ({
  slug,
  notHere: why,
  impact: '',
  signs: [],
  sections: [],
});

export function talosControlPlaneDown(site: Site): Runbook {
  const cps = site.production.controlPlanes.map((n) => host(site, n)).filter((h) => h !== undefined);
  if (cps.length === 0) return none('talos-control-plane-down', 'it has no Talos cluster.');
  const ok = cps.length >= 3;
  const alive = cps[0]!;
  return {
    slug: 'talos-control-plane-down',
    impact: ok
      ? `etcd keeps a majority with ${cps.length - 1} of ${cps.length} control planes: the cluster works; a second loss stops the API.`
      : 'With a single control plane the Kubernetes API is down; running pods keep running.',
    signs: ['`talosctl health` fails on that node; `kubectl get nodes` shows it NotReady.'],
    sections: [
      table(
        ['control plane', 'address', 'VM'],
        cps.map((h) => [code(h.name), code(h.address), h.vm ? `${h.vm.vmid} on ${h.vm.node}` : '']),
      ),
      steps(
        'See what etcd thinks from a healthy control plane.',
        'A VM that is only stopped or hung: start or reset it on its node (`qm start` / `qm reset`).',
        'Gone for good: remove its etcd member, then rebuild the VM; it boots Talos, takes its machine config and joins etcd again.',
      ),
      sh(
        `talosctl -n ${alive.address} etcd members`,
        `talosctl -n ${alive.address} health`,
        `talosctl -n ${alive.address} etcd remove-member <member id>   # only for a node that will not come back`,
        `beelab rebuild ${cps.at(-1)!.name}`,
      ),
    ],
    automated: `beelab rebuild ${cps.at(-1)!.name}`,
  };
}

export function k3sServerDown(site: Site): Runbook {
  const servers = site.devops.servers.map((n) => host(site, n)).filter((h) => h !== undefined);
  if (servers.length === 0) return none('k3s-server-down', 'it has no k3s cluster.');
  const s = servers[0]!;
  return {
    slug: 'k3s-server-down',
    impact:
      servers.length === 1
        ? `The DevOps cluster's API on ${named(s)} is gone: nothing deploys and failed pods are not rescheduled; running pods keep running on the agents.`
        : `${servers.length - 1} servers keep the API up through the VIP while one is down.`,
    signs: ['`kubectl` against the DevOps cluster times out; the agents log that they lost the server.'],
    sections: [
      steps(
        'A stopped or hung VM: start or reset it on its node; k3s starts with it.',
        `A broken k3s: look at its log, then restart it on the server (${named(s)}).`,
        'A lost VM: rebuild it; with one server, restore its state from the newest etcd snapshot (k3s takes one every 12 h under /var/lib/rancher/k3s/server/db/snapshots) before the agents rejoin.',
      ),
      sh(
        `ssh ${login(s)} sudo journalctl -u k3s -n 200`,
        `ssh ${login(s)} sudo systemctl restart k3s`,
        `beelab rebuild ${s.name}`,
        `ssh ${login(s)} sudo k3s server --cluster-reset --cluster-reset-restore-path=<snapshot>`,
      ),
    ],
    automated: `beelab rebuild ${s.name}`,
  };
}

export function k8sNodeNotReady(site: Site): Runbook {
  const talos = [...site.production.controlPlanes, ...site.production.workers];
  const k3s = [...site.devops.servers, ...site.devops.agents];
  if (talos.length + k3s.length === 0) return none('k8s-node-not-ready', 'it has no Kubernetes cluster.');
  const t = host(site, talos[0]);
  const k = host(site, site.devops.agents[0] ?? site.devops.servers[0]);
  return {
    slug: 'k8s-node-not-ready',
    impact:
      'Its pods are evicted after five minutes and rescheduled where there is room; nothing new is placed on it.',
    signs: [
      '`kubectl get nodes` shows NotReady; the kubelet stopped posting its status.',
      "`KubeStateMetricsDown` instead: kube-state-metrics does not answer, so `KubeNodeNotReady` is blind. `kubectl -n monitoring get pods,svc` (kube-state-metrics and its NodePort, from `k8s/<cluster>/monitoring/`); `kubectl -n monitoring rollout restart deployment/kube-state-metrics`, or apply the folder again (`beelab apply` runs the cluster's apps step).",
    ],
    sections: [
      table(
        ['cluster', 'nodes'],
        [
          ...(talos.length > 0 ? [['production (Talos)', talos.join(', ')]] : []),
          ...(k3s.length > 0 ? [['DevOps (k3s)', k3s.join(', ')]] : []),
        ],
      ),
      steps(
        'Why: `kubectl describe node` (conditions: memory, disk, network), then the node itself.',
        'Drain it before working on it, uncordon it afterwards.',
        'A node that stays broken: rebuild it (`beelab rebuild <node>`); it rejoins with the same name.',
      ),
      sh(
        'kubectl get nodes -o wide',
        'kubectl describe node <node>',
        ...(t
          ? [
              `talosctl -n ${t.address} dmesg | tail -50   # a Talos node`,
              `talosctl -n ${t.address} service kubelet`,
            ]
          : []),
        ...(k ? [`ssh ${login(k)} sudo journalctl -u k3s-agent -n 100   # a k3s agent`] : []),
        'kubectl drain <node> --ignore-daemonsets --delete-emptydir-data',
        'kubectl uncordon <node>',
      ),
    ],
    automated: 'beelab rebuild NODE',
  };
}

export function aiHeadDown(site: Site): Runbook {
  const head = host(site, site.ai.gatewayHost);
  if (!head) return none('ai-head-down', 'it has no AI mesh.');
  const others = site.ai.nodes.filter((n) => n.host !== head.name).map((n) => n.host);
  // The gateway's own health URL: Beelab's /readyz, or LiteLLM's readiness probe (ai.gateway: litellm).
  const ready = `http://${head.address}:${site.ai.gatewayPort}${site.services.find((s) => s.name === 'ai-gateway')?.health?.path ?? '/readyz'}`;
  return {
    slug: 'ai-head-down',
    impact: `The OpenAI-compatible gateway on ${named(head)} (port ${site.ai.gatewayPort}) is gone: every client of the AI mesh fails, although ${others.length > 0 ? others.join(', ') : 'no other node'} may still serve models.`,
    signs: [`\`curl ${ready}\` fails.`],
    sections: [
      steps(
        'Is the Mac up? `ping`, then SSH; a Mac that hangs needs its power button (or the plug of a Pi watchdog, when one watches it).',
        'The gateway runs as a launchd service: look at its log and restart it.',
        'A lost Mac: set it up again (macOS, SSH, the admin key), then rebuild it; the gateway config and models follow.',
      ),
      sh(
        `ssh ${login(head)} 'launchctl list | grep -i beelab'`,
        `curl -fsS ${ready}`,
        `beelab rebuild ${head.name}`,
      ),
    ],
    automated: `beelab rebuild ${head.name}`,
  };
}

export function aiBackendDown(site: Site): Runbook {
  const backends = site.services.filter((s) => s.name.startsWith('model-'));
  if (backends.length === 0) return none('ai-backend-down', 'it has no model servers.');
  const rows = backends.flatMap((s) =>
    s.hosts.map((h) => {
      const x = host(site, h);
      const port = s.ports[0]?.port;
      const path = s.health?.path ?? '/';
      return [
        code(s.name.replace(/^model-/, '')),
        code(h),
        x ? code(`http://${x.address}:${port}${path}`) : '',
      ];
    }),
  );
  return {
    slug: 'ai-backend-down',
    impact:
      'The gateway routes its models to another node that serves them; a model only that node serves fails until it is back.',
    signs: ['The gateway marks the backend unhealthy (its /metrics) and logs the failover.'],
    sections: [
      table(['backend', 'node', 'health'], rows),
      steps(
        'Check the health URL; a server that answers 503 is still loading a model (wait).',
        'Restart the backend on its Mac (Ollama: `brew services restart ollama`; llama.cpp and MLX run as launchd services).',
        'Out of memory: a model larger than the node holds; move it in beelab.yaml (`ai.nodes[].models`) and re-render.',
      ),
      sh('curl -fsS <health URL>', 'ssh admin@<node> brew services restart ollama'),
    ],
  };
}

export function backupServerDown(site: Site): Runbook {
  const primary = host(site, site.backup.primary);
  const mirror = host(site, site.backup.mirror);
  const pbs = primary ?? withRole(site, 'pbs')[0];
  if (!pbs) return none('backup-server-down', 'it has no Proxmox Backup Server.');
  return {
    slug: 'backup-server-down',
    impact: `No new backups while ${named(pbs)} is down${mirror ? `; ${named(mirror)} keeps the mirrored copies` : ''}. Nothing is lost yet; a long outage widens the gap.`,
    signs: ['Backup jobs fail on the Proxmox nodes (task log); `beelab status` shows port 8007 down.'],
    sections: [
      table(
        ['server', 'address', 'datastore drives'],
        [primary, mirror]
          .filter((h) => h !== undefined)
          .map((h) => [
            code(h.name),
            code(h.address),
            h.drives
              .filter((d) => d.role === 'backup')
              .map((d) => code(d.id))
              .join(', '),
          ]),
      ),
      steps(
        'Boot it; a datastore on its own disks survives a reinstall of the system disk.',
        'A lost system disk: install Proxmox Backup Server on a new one and rebuild it; it re-adds the datastore from its disks.',
        ...(mirror
          ? [
              `Lost datastore disks: rebuild, then pull the snapshots back from the mirror ${named(mirror)} with a sync job.`,
            ]
          : []),
        'The encryption key restores nothing without it: `beelab secrets show pbs-encryption-key`.',
      ),
      sh(
        `ssh ${login(pbs)} proxmox-backup-manager datastore list`,
        `beelab rebuild ${pbs.name}`,
        ...(mirror ? [`ssh ${login(pbs)} proxmox-backup-manager sync-job list`] : []),
      ),
    ],
    automated: `beelab rebuild ${pbs.name}`,
  };
}

export function backupStale(site: Site): Runbook {
  const pbs = host(site, site.backup.primary) ?? withRole(site, 'pbs')[0];
  const node = withRole(site, 'pve')[0];
  if (!pbs || !node) return none('backup-stale', 'it has no Proxmox Backup Server to back up to.');
  const r = site.backup.retention;
  return {
    slug: 'backup-stale',
    impact: `The newest backup is older than the schedule (${code(site.backup.schedule)}) allows, or its verification failed: a restore would lose more than planned.`,
    signs: [
      'The backup task in the Proxmox UI failed or never ran; the verify job on the backup server reports bad chunks.',
    ],
    sections: [
      `Retention: ${r.daily} daily, ${r.weekly} weekly, ${r.monthly} monthly, ${r.yearly} yearly on ${named(pbs)}.`,
      steps(
        'Why did it not run? The task log on the node (storage full, server unreachable, a VM locked).',
        'Run the backup now, then verify it.',
        'A failed verify: the chunks are damaged on disk; check the datastore pool (`zpool status -x`) and take a fresh backup.',
      ),
      sh(
        `ssh ${login(node)} 'pvesh get /nodes/${node.name}/tasks --typefilter vzdump --limit 5'`,
        `ssh ${login(node)} vzdump <vmid> --storage ${pbs.name} --mode snapshot`,
        `ssh ${login(pbs)} proxmox-backup-manager verify <datastore>`,
      ),
    ],
  };
}

export function watchdogDown(site: Site): Runbook {
  if (site.watchdogs.length === 0) return none('watchdog-down', 'it has no Pi watchdogs.');
  const rows = site.watchdogs.map((w) => {
    const pi = host(site, w.host);
    return [code(w.host), pi ? code(pi.address) : '', w.targets.join(', '), w.relay];
  });
  const first = host(site, site.watchdogs[0]!.host)!;
  return {
    slug: 'watchdog-down',
    impact:
      'A dead Pi watches nothing: its machines are not power-cycled when they hang. A Pi that gave up on a machine cycled it the most it may (3 times a day) and it is still down: a person is needed.',
    signs: [
      'Its `/metrics` stop answering (port 9102); a `gave-up` alert names the machine and what the cycles did.',
    ],
    sections: [
      table(['Pi', 'address', 'watches', 'relay'], rows),
      steps(
        "Gave up: fix the machine (its console: docs/watchdog.md), then clear the Pi's memory of it so it watches it again.",
        'Dead Pi: power it (a Pi powered from its own relay cannot restart itself), or flash Raspberry Pi OS on a new SD card, give it the same MAC/address, and rebuild it.',
      ),
      sh(
        `ssh ${login(first)} journalctl -u beelab-watchdog -n 50`,
        `ssh ${login(first)} 'sudo systemctl stop beelab-watchdog && sudo node /opt/beelab-watchdog/beelab-watchdog.mjs --config /etc/beelab-watchdog/watchdog.yaml --reset <machine>; sudo systemctl start beelab-watchdog'`,
        `beelab rebuild ${first.name}`,
      ),
    ],
    automated: `beelab rebuild ${first.name}`,
  };
}

export function certificateExpiring(site: Site): Runbook {
  const proxy = withRole(site, 'reverse_proxy')[0];
  const pve = withRole(site, 'pve')[0];
  const pbs = withRole(site, 'pbs')[0];
  const named_ = site.services.filter((s) => s.fqdn).map((s) => code(s.fqdn));
  return {
    slug: 'certificate-expiring',
    impact: 'Clients refuse the service once it expires: browsers warn, API clients fail.',
    signs: ['A TLS probe reports fewer days left than its warning threshold.'],
    sections: [
      named_.length > 0 ? `Names served over TLS: ${named_.join(', ')}.` : '',
      steps(
        ...(proxy
          ? [
              site.acme
                ? `Proxied apps on ${named(proxy)}: lego renews their Let's Encrypt certificates 30 days ahead (\`beelab-lego-renew.timer\`, twice a day); a failing renewal is in \`journalctl -u beelab-lego-renew.service\` (the DNS provider's token in /etc/lego/dns.env, rate limits). Renew now: \`ssh ${login(proxy)} sudo systemctl start beelab-lego-renew.service\`.`
                : `Proxied apps on ${named(proxy)}: Caddy's internal CA renews their certificates on its own; a failing renewal is in \`journalctl -u caddy\`.`,
            ]
          : []),
        ...(pve ? ['Proxmox VE UI (8006): renew the node certificate.'] : []),
        ...(pbs
          ? [
              'Proxmox Backup Server UI (8007): renew its certificate; the nodes pin its fingerprint, so update the storage entry afterwards.',
            ]
          : []),
        'Talos and k3s rotate their own certificates; an expiring kubeconfig client certificate is renewed by fetching a new kubeconfig.',
      ),
      sh(
        ...(proxy ? [`ssh ${login(proxy)} sudo docker logs --tail 100 caddy`] : []),
        ...(pve
          ? [`ssh ${login(pve)} pvenode acme cert renew || ssh ${login(pve)} pvecm updatecerts --force`]
          : []),
        ...(pbs ? [`ssh ${login(pbs)} proxmox-backup-manager cert update`] : []),
        'echo | openssl s_client -connect <name>:443 -servername <name> 2>/dev/null | openssl x509 -noout -enddate',
      ),
    ],
  };
}

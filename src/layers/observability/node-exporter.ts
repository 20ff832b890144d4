// Who installs the node exporter on each kind of host. A host is scraped by the node-exporter job only when
// something installs its exporter: a scrape that nothing can answer would hold HostDown firing forever.
import type { Host } from '../../site/types.ts';
import { isDebianFamily } from '../devops/ansible-access.ts';

export const NODE_EXPORTER_PORT = 9100;

/** How a host gets its node exporter, or why it has none (then it is watched by ping alone). */
export type NodeExporterInstall =
  | { by: 'base-role'; what: string }
  | { by: 'mac-bootstrap'; what: string }
  | { by: 'firewall-plugin'; what: string }
  | { by: 'firewall-package'; what: string }
  | { by: 'daemonset'; what: string }
  | { by: 'none'; why: string };

/** The installer of a host's node exporter (the observability docs list the `none` cases). */
export function nodeExporterInstall(host: Host): NodeExporterInstall {
  if (host.kind === 'appliance' && !host.roles.includes('firewall'))
    return { by: 'none', why: 'a smart plug or KVM runs no general-purpose OS' };
  if (isDebianFamily(host))
    return {
      by: 'base-role',
      what: "the physical layer's base role (Debian's prometheus-node-exporter, ansible/playbooks/physical.yml --tags base)",
    };
  switch (host.os) {
    case 'macos':
      return {
        by: 'mac-bootstrap',
        what: "Homebrew's node_exporter and its LaunchDaemon, from ai/macs/<host>/bootstrap.sh",
      };
    case 'opnsense':
      return {
        by: 'firewall-plugin',
        what: 'the OPNsense plugin os-node_exporter, installed and enabled by hand (docs/observability.md)',
      };
    case 'talos':
      return {
        by: 'daemonset',
        what: 'the node-exporter DaemonSet on the host network (k8s/production/monitoring, applied by the talos/apps step): Talos has no packages',
      };
    case 'pfsense':
      return {
        by: 'firewall-package',
        what: "Netgate's pfSense package node_exporter, installed by hand (System → Package Manager); its settings come from the rendered config.xml (installedpackages/nodeexporter: on, the management interface, port 9100)",
      };
    case 'vyos':
      return {
        by: 'none',
        why: 'VyOS 1.4, which network/vyos/configure.vbash is written for, has no node exporter (VyOS 1.5 adds `set service monitoring prometheus node-exporter`): the firewall is watched by ping',
      };
    default:
      return { by: 'none', why: 'Beelab does not manage this host over SSH' };
  }
}

/** Whether some installer puts a node exporter on the host (only those are scraped). */
export function hasNodeExporter(host: Host): boolean {
  return nodeExporterInstall(host).by !== 'none';
}

// T-Pot on the honeypot host: the pinned release, the ports it keeps for itself, and the play's site values.
import type { Host, Site } from '../../site/types.ts';

/** The T-Pot release the role clones (telekom-security/tpotce), and the commit its tag points at. */
export const TPOT_RELEASE = {
  version: '24.04.1',
  commit: '1231c54c36f56857efa12a56900dbd858221c86d',
} as const;

/** T-Pot's management ports: the host's real sshd (moved off 22, where Cowrie listens) and its web UI. */
export const TPOT_SSH_PORT = 64295;
export const TPOT_WEB_PORT = 64297;

/** T-Pot's documented requirement for the Standard / Hive edition (its README, "System Requirements"). */
export const TPOT_HIVE_MIN = { memoryGb: 16, diskGb: 256 } as const;

/** The web user of T-Pot's landing page, Kibana and attack map; its password is the secret below. */
export const TPOT_WEB_USER = 'beelab';
export const TPOT_WEB_SECRET = 'tpot-web-password';

export function honeypotHost(site: Site): Host | undefined {
  return site.hosts.find((h) => h.roles.includes('honeypot'));
}

/** The tpot role's play: the honeypot host, with the site's values (the rest are the role's defaults). */
export function tpotPlay(site: Site, host: Host): Record<string, unknown> {
  return {
    name: 'T-Pot honeypot',
    hosts: host.name,
    become: true,
    tags: ['tpot'],
    vars: {
      tpot_version: TPOT_RELEASE.version,
      tpot_commit: TPOT_RELEASE.commit,
      tpot_web_user: TPOT_WEB_USER,
      tpot_timezone: site.timezone,
      tpot_ssh_port: TPOT_SSH_PORT,
      tpot_web_port: TPOT_WEB_PORT,
    },
    roles: ['tpot'],
  };
}

// The firewall backends by platform; adding a platform is one folder with a backend.ts and one line here.
import type { FirewallPlatform } from '../../spec/schema.ts';
import type { FirewallBackend } from './backend.ts';
import { linuxBackend } from './linux/backend.ts';
import { opnsenseBackend } from './opnsense/backend.ts';
import { pfsenseBackend } from './pfsense/backend.ts';
import { vyosBackend } from './vyos/backend.ts';

export const firewallBackends: Readonly<Record<FirewallPlatform, FirewallBackend>> = {
  opnsense: opnsenseBackend,
  pfsense: pfsenseBackend,
  vyos: vyosBackend,
  linux: linuxBackend,
};

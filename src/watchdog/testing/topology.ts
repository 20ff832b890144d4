// The e2e network: a LAN namespace (bridge + plug + gateway address), a target namespace, a watchdog namespace.
import { createNetns, type Netns } from '../../probe/netns.ts';

/** Addresses live only inside these namespaces; none has a route out. */
export interface Topology {
  lan: Netns;
  target: Netns;
  watchdog: Netns;
  gateway: string;
  targetAddr: string;
  watchdogAddr: string;
  /** Interface in the LAN namespace whose state is the target's power. */
  targetPort: string;
  /** Interface in the LAN namespace that carries the watchdog's link. */
  watchdogPort: string;
  remove(): Promise<void>;
}

export async function createTopology(subnet: number): Promise<Topology> {
  const made: Netns[] = [];
  const remove = async () => {
    for (const ns of made.reverse()) await ns.remove();
  };
  try {
    const lan = await createNetns('wd');
    made.push(lan);
    const target = await createNetns('wd');
    made.push(target);
    const watchdog = await createNetns('wd');
    made.push(watchdog);
    const net = `10.250.${subnet}`;
    await lan.ip('link', 'add', 'br0', 'type', 'bridge');
    await lan.ip('addr', 'add', `${net}.1/24`, 'dev', 'br0');
    await lan.ip('link', 'set', 'br0', 'up');
    for (const [port, ns, addr] of [
      ['vt', target, `${net}.2/24`],
      ['vw', watchdog, `${net}.3/24`],
    ] as const) {
      await lan.ip('link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.name);
      await lan.ip('link', 'set', port, 'master', 'br0');
      await lan.ip('link', 'set', port, 'up');
      await ns.ip('addr', 'add', addr, 'dev', 'eth0');
      await ns.ip('link', 'set', 'eth0', 'up');
    }
    return {
      lan,
      target,
      watchdog,
      gateway: `${net}.1`,
      targetAddr: `${net}.2`,
      watchdogAddr: `${net}.3`,
      targetPort: 'vt',
      watchdogPort: 'vw',
      remove,
    };
  } catch (err) {
    await remove();
    throw err;
  }
}

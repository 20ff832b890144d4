// Stable UUIDs for tools that want them (OPNsense items, Proxmox, Talos): UUIDv5 of a stable name.
import { v5 } from 'uuid';

/** Beelab's fixed UUIDv5 namespace. Changing it would change every generated UUID: never do. */
export const BEELAB_UUID_NAMESPACE = 'c970985f-46b4-47f9-a052-e7be2c1c9258';

/** UUIDv5 of `name` (use a stable key such as `opnsense/rule/lan-to-dns`) in Beelab's namespace or another. */
export function uuidV5(name: string, namespace: string = BEELAB_UUID_NAMESPACE): string {
  return v5(name, namespace);
}

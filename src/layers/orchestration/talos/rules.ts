// Rules over the Talos cluster the Site describes.
import { talosSchematicId, talosSchematicYaml } from '../../../catalog/images.ts';
import type { Diagnostic } from '../../../kernel/diagnostic.ts';
import type { Site } from '../../../site/types.ts';
import { hasTalos } from './render.ts';
import { VERSIONS_FILE_NAME } from './script.ts';

/** The schematic id in versions.yaml must be the factory's id of talos/schematic.yaml, or the guest agent is missing. */
export function talosRules(site: Site): Diagnostic[] {
  if (!hasTalos(site)) return [];
  const want = talosSchematicId(talosSchematicYaml());
  if (site.versions.talosSchematic === want) return [];
  return [
    {
      code: 'orchestration/talos-schematic',
      severity: 'warning',
      message: `talos-schematic ${site.versions.talosSchematic} is not the Image Factory id of talos/schematic.yaml (${want}): the ISO and the installer would lack siderolabs/qemu-guest-agent`,
      location: { file: VERSIONS_FILE_NAME },
      hint: `set talos-schematic: ${want} in versions.yaml, or keep yours if it adds extensions on top of the guest agent`,
    },
  ];
}

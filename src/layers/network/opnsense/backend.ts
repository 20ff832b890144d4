// The OPNsense backend: one config.xml for the installer's importer or a GUI restore.
import { parseOpnsense } from '../equivalence/opnsense.ts';
import { configXmlBackend } from '../pf/config-xml-backend.ts';
import { renderOpnsenseConfig } from './config-xml.ts';

export const OPNSENSE_CONFIG = 'network/opnsense/config.xml';

export const opnsenseBackend = configXmlBackend(
  'opnsense',
  OPNSENSE_CONFIG,
  renderOpnsenseConfig,
  parseOpnsense,
);

// The pfSense backend: one config.xml for Diagnostics > Backup & Restore.
import { parsePfsense } from '../equivalence/pfsense.ts';
import { configXmlBackend } from '../pf/config-xml-backend.ts';
import { renderPfsenseConfig } from './config-xml.ts';

export const PFSENSE_CONFIG = 'network/pfsense/config.xml';

export const pfsenseBackend = configXmlBackend('pfsense', PFSENSE_CONFIG, renderPfsenseConfig, parsePfsense);

// Layer 7, observability and recovery: Prometheus, Alertmanager, Grafana, exporters, the Pi watchdogs.
// Renders nothing yet (issue 17).
import type { LayerModule } from '../layer.ts';
import { observabilitySite } from './site.ts';

export const observabilityLayer: LayerModule = {
  id: 'observability',
  layout: {
    title: '7 Observability + recovery',
    paths: ['monitoring/', 'watchdog/', 'runbooks/'],
    what: 'Prometheus, Alertmanager, Grafana, Pi watchdogs, runbooks',
  },
  site: observabilitySite,
};

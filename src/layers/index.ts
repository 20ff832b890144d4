// The registry of layers, in the order they render; adding a layer is one line here.
import { devopsLayer } from './core/index.ts';
import type { LayerModule } from './layer.ts';
import { networkLayer } from './network/index.ts';

export const layers: LayerModule[] = [devopsLayer, networkLayer];

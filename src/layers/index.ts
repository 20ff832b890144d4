// The registry of layers, in the order they render; adding a layer is one line here.
import type { LayerModule } from './layer.ts';

export const layers: LayerModule[] = [];

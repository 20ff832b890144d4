// Builds the power driver a target's config names.
import type { PowerConfig } from '../config-schema.ts';
import { commandDriver } from './command.ts';
import { gpioDriver } from './gpio.ts';
import { pikvmDriver } from './pikvm.ts';
import { shellyGen1Driver, shellyGen2Driver } from './shelly.ts';
import { tasmotaDriver } from './tasmota.ts';
import type { DriverDeps, PowerDriver } from './types.ts';

export function createPowerDriver(cfg: PowerConfig, target: string, deps: DriverDeps): PowerDriver {
  switch (cfg.type) {
    case 'gpio':
      return gpioDriver(cfg, deps);
    case 'shelly-gen1':
      return shellyGen1Driver(cfg, deps);
    case 'shelly-gen2':
      return shellyGen2Driver(cfg, deps);
    case 'tasmota':
      return tasmotaDriver(cfg, deps);
    case 'pikvm':
      return pikvmDriver(cfg, deps);
    case 'command':
      return commandDriver(cfg, target, deps);
  }
}

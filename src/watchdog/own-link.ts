// The watchdog's own link. A failed probe says something about the target only if the watchdog's own link
// was up for the whole probe; this module is the judge of that.
//
// Evidence, in order of strength:
// - the local carrier: /sys/class/net/<if>/carrier and carrier_changes. The kernel counts every carrier
//   change, so a flap of any length during a probe (cable, switch port, veth peer) is seen exactly;
// - reachability of the references (`selfCheck.probes`): seen up by a check started at most 1 s before a
//   probe round, checked again right after a failed round (never a result from before the round ended),
//   and again right before acting.
// Every time the link is seen down (or its carrier changed) the epoch moves on; a probe round that spans an
// epoch change does not count, and the engine forgets every target's failure count, so after the link
// returns a target needs `failAfter` fresh failures.
import { readdirSync, readFileSync } from 'node:fs';
import type { Clock } from '../kernel/clock.ts';
import { describeProbe } from '../probe/describe.ts';
import type { ProbeRunner } from '../probe/run-probe.ts';
import type { ProbeSpec } from '../probe/types.ts';
import type { Logger } from './logger.ts';
import type { WatchdogMetrics } from './metrics.ts';

/** A snapshot of the local carrier: per interface its carrier (1, 0, or x when unreadable) and change count. */
export type CarrierSnapshot = string;

/** Reads the carrier snapshot; undefined when the system exposes none (not Linux). */
export type CarrierReader = () => CarrierSnapshot | undefined;

/** The carrier of `interfaces`, or of every interface but loopback, from sysfs. */
export function sysfsCarrier(interfaces?: readonly string[], root = '/sys/class/net'): CarrierReader {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return 'x'; // an interface that is administratively down refuses the read (EINVAL)
    }
  };
  return () => {
    let names: readonly string[];
    try {
      names = interfaces ?? readdirSync(root).filter((n) => n !== 'lo');
    } catch {
      return undefined;
    }
    return names
      .map((n) => `${n}:${read(`${root}/${n}/carrier`)}:${read(`${root}/${n}/carrier_changes`)}`)
      .join(',');
  };
}

/** True when at least one interface in the snapshot has carrier (or there is no carrier information). */
export function carrierUp(snapshot: CarrierSnapshot | undefined): boolean {
  if (snapshot === undefined || snapshot === '') return true;
  return snapshot.split(',').some((entry) => entry.split(':')[1] === '1');
}

/** How old a successful check may be and still vouch for the link at the start of a probe round. */
export const FRESH_MS = 1000;

/** Taken right before a probe round; handed back to `heldUp` after it. */
export interface LinkMark {
  epoch: number;
  carrier: CarrierSnapshot | undefined;
  /** The link was believed up when the round started. */
  up: boolean;
}

export interface OwnLinkOptions {
  probes: readonly ProbeSpec[];
  timeout: number;
  clock: Clock;
  probe: ProbeRunner;
  log: Logger;
  metrics: WatchdogMetrics;
  carrier: CarrierReader;
  /** Called each time the link is seen down or its carrier changed: the engine forgets failure counts. */
  onLost: () => void;
}

export class OwnLink {
  #o: OwnLinkOptions;
  #epoch = 0;
  #up = true;
  #downSince = 0;
  #carrier: CarrierSnapshot | undefined;
  /** The latest reachability check and when it started; shared by callers that need no newer one. */
  #check?: { startedAt: number; result: Promise<boolean> };
  /** Start time of the latest check that found the link up. */
  #okAt = Number.NEGATIVE_INFINITY;

  constructor(o: OwnLinkOptions) {
    this.#o = o;
    this.#carrier = o.carrier();
  }

  get up(): boolean {
    return this.#up;
  }

  get epoch(): number {
    return this.#epoch;
  }

  #now(): number {
    return this.#o.clock.monotonic();
  }

  /** Reads the carrier; a change since the last read means the link moved under us. */
  #readCarrier(): CarrierSnapshot | undefined {
    const now = this.#o.carrier();
    if (now !== this.#carrier) {
      const before = this.#carrier;
      this.#carrier = now;
      this.#lost('carrier changed', { before, now });
    }
    if (!carrierUp(now)) this.#setDown('no carrier', { carrier: now });
    return now;
  }

  #lost(why: string, fields: Record<string, unknown>): void {
    this.#epoch += 1;
    if (this.#up)
      this.#o.log('warn', 'own link changed: failure counts start again from zero', { why, ...fields });
    this.#o.onLost();
  }

  #setDown(why: string, fields: Record<string, unknown>): void {
    this.#epoch += 1;
    this.#o.metrics.selfLinkUp = 0;
    if (this.#up) {
      this.#up = false;
      this.#downSince = this.#o.clock.wall();
      this.#o.log('warn', 'own link down: target failures are not counted and no action is taken', {
        why,
        ...fields,
      });
    }
    this.#o.onLost();
  }

  #setUp(): void {
    this.#o.metrics.selfLinkUp = 1;
    if (!this.#up) {
      this.#up = true;
      this.#o.log('info', 'own link back', { downForMs: this.#o.clock.wall() - this.#downSince });
    }
  }

  /** A reachability check that started no earlier than `notBefore` (shared when one already has). */
  #reachable(notBefore: number): Promise<boolean> {
    if (this.#check && this.#check.startedAt >= notBefore) return this.#check.result;
    const startedAt = this.#now();
    const { probes, timeout, probe } = this.#o;
    const result = Promise.all(probes.map((p) => probe(p, { timeoutMs: timeout }))).then((results) => {
      const up = results.some((r) => r.state !== 'down');
      if (!up)
        this.#setDown('no reference answers', {
          references: probes.map((p, i) => `${describeProbe(p)}: ${results[i]!.detail}`),
        });
      return up;
    });
    this.#check = { startedAt, result };
    return result;
  }

  /** A fresh check: reachable now, carrier unchanged. Updates the state (and logs "own link back"). */
  async #fresh(): Promise<boolean> {
    const epoch = this.#epoch;
    const reachable = await this.#reachable(this.#now());
    this.#readCarrier();
    const ok = reachable && carrierUp(this.#carrier) && this.#epoch === epoch;
    if (ok) {
      this.#okAt = Math.max(this.#okAt, this.#check!.startedAt);
      this.#setUp();
    }
    return ok;
  }

  /**
   * Right before a probe round: notices carrier changes, and makes sure the link was seen up by a check
   * that started at most `FRESH_MS` ago (one check serves every target for that long). While the link is
   * down this is also what notices its return, so "own link back" is logged even when every target is healthy.
   */
  async begin(): Promise<LinkMark> {
    this.#readCarrier();
    if (!this.#up || this.#now() - this.#okAt > FRESH_MS) await this.#fresh();
    const carrier = this.#readCarrier();
    return { epoch: this.#epoch, carrier, up: this.#up && carrierUp(carrier) };
  }

  /**
   * After a failed round: was the own link up for the whole of it? Up when it started, reachable in a
   * check started after the round ended, the carrier unchanged, and not seen down by anyone in between.
   */
  async heldUp(mark: LinkMark): Promise<boolean> {
    if (!mark.up) return false;
    const ok = await this.#fresh();
    return ok && this.#epoch === mark.epoch && this.#carrier === mark.carrier;
  }

  /** Right before acting: the link is up now. */
  upNow(): Promise<boolean> {
    return this.#fresh();
  }
}

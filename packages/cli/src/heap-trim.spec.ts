import { expect } from 'chai';
import { getHeapSpaceStatistics } from 'node:v8';
import { EventEmitter } from 'node:events';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { Manager } from '@unitkit/core';
import { collectYoungAfterClients, trimHeapAfterLoadBursts } from './heap-trim.js';

const youngUsed = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;

describe('collectYoungAfterClients', () => {
  it('collects the young generation right after a client, once per turn, when the next one would find too little room', async () => {
    // A reserve larger than the young generation: always short of room.
    const afterClient = collectYoungAfterClients(64 * 1024 * 1024);
    // ~200 KB of short-lived objects, as a request leaves behind (again if a scavenge ran meanwhile).
    let before = 0;
    let start = 0;
    for (let round = 0; round < 10 && before <= start + 128 * 1024; round++) {
      start = youngUsed();
      for (let i = 0; i < 2500; i++) void [i, i + 1, { i }];
      before = youngUsed();
    }
    expect(before - start, 'garbage made without a scavenge').to.be.above(128 * 1024);
    afterClient();
    afterClient();
    await new Promise((resolve) => setImmediate(resolve));
    expect(youngUsed()).to.be.below(before - 128 * 1024);
  });

  it('leaves the young generation alone while the next client finds room', async () => {
    const afterClient = collectYoungAfterClients(1);
    const before = youngUsed();
    afterClient();
    await new Promise((resolve) => setImmediate(resolve));
    expect(youngUsed()).to.be.at.least(before);
  });
});

describe('trimHeapAfterLoadBursts', () => {
  /** Full collections seen while `during` runs and for `ms` after. */
  async function majorCollections(during: (events: EventEmitter) => void, ms = 150): Promise<number> {
    const events = new EventEmitter();
    const stop = trimHeapAfterLoadBursts({ events } as unknown as Manager, { threshold: 50, delayMs: 10 });
    let majors = 0;
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (((e as unknown as { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
    });
    obs.observe({ entryTypes: ['gc'] });
    try {
      during(events);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return majors;
    } finally {
      obs.disconnect();
      stop();
    }
  }

  it('compacts once after a burst that changes how many units are loaded', async () => {
    expect(await majorCollections((e) => { for (let i = 0; i < 60; i++) e.emit('unit-loaded'); })).to.equal(1);
  });

  it('leaves units that come and go (an Accept=yes socket\'s instances) to V8', async () => {
    expect(await majorCollections((e) => { for (let i = 0; i < 200; i++) e.emit(i % 2 ? 'unit-removed' : 'unit-loaded'); })).to.equal(0);
  });
});

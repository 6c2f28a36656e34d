import { expect } from 'chai';
import { getHeapSpaceStatistics } from 'node:v8';
import { collectYoungAfterClients } from './heap-trim.js';

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

import { expect } from 'chai';
import { randomHexId } from './random-id.js';

describe('randomHexId', () => {
  it('gives 32 lowercase hex digits by default, and 2 per asked byte', () => {
    expect(randomHexId()).to.match(/^[0-9a-f]{32}$/);
    expect(randomHexId(4)).to.match(/^[0-9a-f]{8}$/);
  });

  it('never repeats across pool refills', () => {
    const seen = new Set<string>();
    // 16 bytes each: 1,000 ids draw on four pools of 4 KB.
    for (let i = 0; i < 1000; i++) seen.add(randomHexId());
    expect(seen.size).to.equal(1000);
  });
});

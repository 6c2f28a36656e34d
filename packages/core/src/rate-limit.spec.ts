import { expect } from 'chai';
import { RateLimit } from './rate-limit.js';

describe('RateLimit', () => {
  it('allows burst events per interval, then refuses until the window ends', () => {
    const r = new RateLimit(10, 2);
    expect([r.below(100), r.below(101), r.below(102)]).to.deep.equal([true, true, false]);
    expect(r.below(111)).to.equal(true);
  });

  it('never refuses when not configured, and forgets on reset', () => {
    expect(new RateLimit(0, 1).below(1)).to.equal(true);
    const r = new RateLimit(10, 1);
    r.below(1);
    expect(r.below(2)).to.equal(false);
    r.reset();
    expect(r.below(3)).to.equal(true);
  });
});

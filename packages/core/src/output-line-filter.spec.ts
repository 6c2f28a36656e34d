import { expect } from 'chai';
import { OutputLineFilter } from './output-line-filter.js';

describe('OutputLineFilter (what journald does to a stdout stream)', () => {
  it('takes the level from a "<N>" prefix and removes it, unless SyslogLevelPrefix=no', () => {
    const f = new OutputLineFilter(6);
    expect(f.line('<4>careful', 1)).to.deep.equal({ priority: 4, message: 'careful' });
    expect(f.line('<30>daemon.info', 2)).to.deep.equal({ priority: 6, message: 'daemon.info' });
    expect(f.line('<x>not a prefix', 3)).to.deep.equal({ priority: 6, message: '<x>not a prefix' });
    expect(f.line('<999>too big', 4)).to.deep.equal({ priority: 6, message: '<999>too big' });
    expect(new OutputLineFilter(6, { levelPrefix: false }).line('<4>kept', 1)).to.deep.equal({ priority: 6, message: '<4>kept' });
  });

  it('drops lines less important than LogLevelMax=', () => {
    const f = new OutputLineFilter(6, { levelMax: 4 });
    expect(f.line('plain info', 1)).to.equal(undefined);
    expect(f.line('<3>an error', 2)).to.deep.equal({ priority: 3, message: 'an error' });
    expect(f.line('<7>debug', 3)).to.equal(undefined);
  });

  it('drops lines over the rate limit and says how many with the next line that passes', () => {
    const f = new OutputLineFilter(6, { rateLimit: { intervalUsec: 1_000_000, burst: 2 } });
    expect(f.line('a', 10)).to.deep.equal({ priority: 6, message: 'a' });
    expect(f.line('b', 20)).to.deep.equal({ priority: 6, message: 'b' });
    expect(f.line('c', 30)).to.equal(undefined);
    expect(f.line('d', 40)).to.equal(undefined);
    expect(f.line('e', 2_000_000)).to.deep.equal({ priority: 6, message: 'e', suppressed: 2 });
  });
});

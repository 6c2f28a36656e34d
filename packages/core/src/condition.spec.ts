import { expect } from 'chai';
import * as os from 'node:os';
import { testConditionList } from './condition.js';
import type { ConditionSpec } from './unit-settings.js';

const c = (kind: string, param: string, o: Partial<ConditionSpec> = {}): ConditionSpec => ({ kind, param, trigger: false, negate: false, ...o });

describe('conditions', () => {
  it('checks paths', () => {
    expect(testConditionList([c('PathExists', '/')], {}, 'Condition').passed).to.equal(true);
    expect(testConditionList([c('PathExists', '/nonexistent/x')], {}, 'Condition').passed).to.equal(false);
    expect(testConditionList([c('PathExists', '/nonexistent/x', { negate: true })], {}, 'Condition').passed).to.equal(true);
    expect(testConditionList([c('PathIsDirectory', '/tmp')], {}, 'Condition').passed).to.equal(true);
    expect(testConditionList([c('PathExistsGlob', '/e*c/host*')], {}, 'Condition').passed).to.equal(true);
  });

  it('records each condition\'s outcome: held, failed, or not tested after the check stopped', () => {
    const states: Array<0 | 1 | -1> = [];
    testConditionList([c('PathExists', '/'), c('PathExists', '/nope'), c('PathExists', '/')], {}, 'Condition', undefined, states);
    expect(states).to.deep.equal([1, -1, 0]);
    testConditionList([c('PathExists', '/')], {}, 'Condition', undefined, states);
    expect(states).to.deep.equal([1]);
  });

  it('names the first failed condition', () => {
    const r = testConditionList([c('PathExists', '/'), c('PathExists', '/nope', { negate: false })], {}, 'Condition');
    expect(r).to.deep.equal({ passed: false, failed: 'ConditionPathExists=/nope' });
  });

  it('needs one triggering condition to hold, and all the others', () => {
    const t = (p: string) => c('PathExists', p, { trigger: true });
    expect(testConditionList([t('/nope'), t('/')], {}, 'Condition').passed).to.equal(true);
    expect(testConditionList([t('/nope'), t('/nope2')], {}, 'Condition').passed).to.equal(false);
    expect(testConditionList([t('/'), c('PathExists', '/nope')], {}, 'Condition').passed).to.equal(false);
    expect(testConditionList([], {}, 'Condition').passed).to.equal(true);
  });

  it('checks the environment', () => {
    expect(testConditionList([c('Environment', 'FOO=bar')], { FOO: 'bar' }, 'Condition').passed).to.equal(true);
    expect(testConditionList([c('Environment', 'FOO')], {}, 'Condition').passed).to.equal(false);
  });

  it('matches Host= and PathExistsGlob= as fnmatch/glob do, a malformed pattern being false, never an error', () => {
    const host = os.hostname();
    expect(testConditionList([c('Host', `${host.slice(0, 1).toUpperCase()}*`)], {}, 'Condition').passed).to.equal(true);
    expect(testConditionList([c('Host', '[z-a]')], {}, 'Condition').passed).to.equal(false);
    expect(testConditionList([c('PathExistsGlob', '/e[s-t]c/pass*')], {}, 'Condition').passed).to.equal(true);
    expect(testConditionList([c('PathExistsGlob', '/tmp/[z-a]*')], {}, 'Condition').passed).to.equal(false);
    expect(testConditionList([c('PathExistsGlob', '/tmp/[z-a]*')], {}, 'Assert').failed).to.equal('AssertPathExistsGlob=/tmp/[z-a]*');
  });
});

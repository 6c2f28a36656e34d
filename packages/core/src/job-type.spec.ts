import { expect } from 'chai';
import {
  jobTypeAllowsLateMerge, jobTypeCollapse, jobTypeIsConflicting, jobTypeIsRedundant, jobTypeIsSuperset, jobTypeLookupMerge,
} from './job-type.js';

describe('job type algebra', () => {
  it('merges as systemd\'s job_merging_table', () => {
    expect(jobTypeLookupMerge('start', 'verify-active')).to.equal('start');
    expect(jobTypeLookupMerge('verify-active', 'start')).to.equal('start');
    expect(jobTypeLookupMerge('start', 'reload')).to.equal('reload-or-start');
    expect(jobTypeLookupMerge('start', 'restart')).to.equal('restart');
    expect(jobTypeLookupMerge('verify-active', 'reload')).to.equal('reload');
    expect(jobTypeLookupMerge('reload', 'restart')).to.equal('restart');
    expect(jobTypeLookupMerge('start', 'stop')).to.equal(undefined);
    expect(jobTypeLookupMerge('stop', 'restart')).to.equal(undefined);
    expect(jobTypeLookupMerge('stop', 'stop')).to.equal('stop');
  });

  it('derives conflicts and supersets from the table', () => {
    expect(jobTypeIsConflicting('start', 'stop')).to.equal(true);
    expect(jobTypeIsConflicting('start', 'restart')).to.equal(false);
    expect(jobTypeIsSuperset('restart', 'start')).to.equal(true);
    expect(jobTypeIsSuperset('start', 'restart')).to.equal(false);
  });

  it('collapses the conditional types by the unit\'s state', () => {
    expect(jobTypeCollapse('try-restart', 'inactive')).to.equal('nop');
    expect(jobTypeCollapse('try-restart', 'activating')).to.equal('restart');
    expect(jobTypeCollapse('try-restart', 'active')).to.equal('restart');
    expect(jobTypeCollapse('try-reload', 'activating')).to.equal('nop');
    expect(jobTypeCollapse('try-reload', 'active')).to.equal('reload');
    expect(jobTypeCollapse('reload-or-start', 'failed')).to.equal('start');
    expect(jobTypeCollapse('reload-or-start', 'reloading')).to.equal('reload');
    expect(jobTypeCollapse('start', 'active')).to.equal('start');
  });

  it('knows when a job would change nothing', () => {
    expect(jobTypeIsRedundant('start', 'active')).to.equal(true);
    expect(jobTypeIsRedundant('start', 'activating')).to.equal(false);
    expect(jobTypeIsRedundant('stop', 'failed')).to.equal(true);
    expect(jobTypeIsRedundant('reload', 'reloading')).to.equal(true);
    expect(jobTypeIsRedundant('restart', 'activating')).to.equal(true);
    expect(jobTypeIsRedundant('nop', 'active')).to.equal(true);
  });

  it('never merges a reload into a running job', () => {
    expect(jobTypeAllowsLateMerge('reload')).to.equal(false);
    expect(jobTypeAllowsLateMerge('restart')).to.equal(true);
  });
});

import { expect } from 'chai';
import { UsageError, parseCtlOptions } from './ctl-options.js';
import { globMatch, formatTable, compareUnitIds } from './ctl-tables.js';
import { exitStatusOfError, jobFailureMessage } from './ctl-exit-status.js';
import { formatRelative } from './status-format.js';
import { parseSignalArg } from './unitkitctl.js';
import { terminalColors } from './terminal-colors.js';

describe('unitkitctl options', () => {
  it('parses systemctl-style options anywhere, joined or separate, bundled short ones', () => {
    const o = parseCtlOptions(['show', '-pId,Names', 'a.target', '--property', 'Description', '--value', '-aq', '--no-pager', '--user']);
    expect(o.verb).to.equal('show');
    expect(o.args).to.deep.equal(['a.target']);
    expect(o.properties).to.deep.equal(['Id', 'Names', 'Description']);
    expect([o.value, o.all, o.quiet, o.noPager, o.scope]).to.deep.equal([true, true, true, true, 'user']);
    const l = parseCtlOptions(['list-units', '--state=failed,active', '-t', 'service', '--no-legend', '--', '-x*']);
    expect([l.states, l.types, l.noLegend, l.args]).to.deep.equal([['failed', 'active'], ['service'], true, ['-x*']]);
    const g = parseCtlOptions(['logs', '-u', 'x.service', '-n', '5', '-f']);
    expect([g.units, g.lines, g.follow]).to.deep.equal([['x.service'], 5, true]);
  });

  it("refuses bad options with getopt's words", () => {
    expect(() => parseCtlOptions(['--frob'])).to.throw(UsageError, "unitkitctl: unrecognized option '--frob'");
    expect(() => parseCtlOptions(['-z'])).to.throw(UsageError, "unitkitctl: invalid option -- 'z'");
    expect(() => parseCtlOptions(['show', '-p'])).to.throw(UsageError, "unitkitctl: option requires an argument -- 'p'");
    expect(() => parseCtlOptions(['--value=1'])).to.throw(UsageError, "unitkitctl: option '--value' doesn't allow an argument");
    expect(() => parseCtlOptions(['logs', '-n', 'x'])).to.throw(UsageError, "Failed to parse lines 'x'");
  });
});

describe('unitkitctl formatting helpers', () => {
  it('matches unit patterns as fnmatch does and sorts units by type, then name', () => {
    expect(globMatch('a*', 'a.target')).to.equal(true);
    expect(globMatch('*.service', 'a.target')).to.equal(false);
    expect(globMatch('[ab].target', 'b.target')).to.equal(true);
    expect(['b.target', 'x.service', 'a.target', 'app.slice'].sort(compareUnitIds)).to.deep.equal(['x.service', 'app.slice', 'a.target', 'b.target']);
  });

  it('lays out tables without trailing blanks', () => {
    expect(formatTable(['A', 'BB', 'C'], [['xxx', 'y', '']])).to.deep.equal(['A   BB C', 'xxx y']);
  });

  it("maps manager errors to systemctl's exit codes and job results to its messages", () => {
    expect(['NoSuchUnit', 'JobTypeNotApplicable', 'NoIsolation', 'AccessDenied', 'LoadFailed', 'UnitMasked'].map(exitStatusOfError)).to.deep.equal([5, 3, 4, 4, 6, 1]);
    expect(jobFailureMessage('x.service', 'failed', 'exit-code', ' --user')).to.equal(
      'Job for x.service failed because the control process exited with error code.\nSee "systemctl --user status x.service" and "journalctl --user -xeu x.service" for details.',
    );
    expect(jobFailureMessage('x.target', 'failed', undefined, '')).to.equal('Job failed. See "journalctl -xe" for details.');
    expect(jobFailureMessage('x.target', 'dependency', undefined, '')).to.equal("A dependency job for x.target failed. See 'journalctl -xe' for details.");
    expect(jobFailureMessage('x.target', 'done', undefined, '')).to.equal(undefined);
  });

  it("formats relative times as systemd's format_timestamp_relative", () => {
    const s = 1_000_000;
    expect(formatRelative(0, 76_000)).to.equal('76ms ago');
    expect(formatRelative(0, 4 * s + 500_000)).to.equal('4s ago');
    expect(formatRelative(0, 65 * s)).to.equal('1min 5s ago');
    expect(formatRelative(0, 3700 * s)).to.equal('1h 1min ago');
    expect(formatRelative(5, 5)).to.equal('now');
  });

  it('parses signals by name, SIG-less name, number and RTMIN+n', () => {
    expect(['TERM', 'SIGKILL', '9', 'RTMIN+1', 'FOO', '0'].map(parseSignalArg)).to.deep.equal([15, 9, 9, 35, undefined, undefined]);
  });

  it('colours only on a terminal and never with NO_COLOR', () => {
    expect(terminalColors(true, {}).enabled).to.equal(true);
    expect(terminalColors(false, {}).enabled).to.equal(false);
    expect(terminalColors(true, { NO_COLOR: '1' }).enabled).to.equal(false);
    expect(terminalColors(true, { NO_COLOR: '' }).enabled).to.equal(false);
  });
});

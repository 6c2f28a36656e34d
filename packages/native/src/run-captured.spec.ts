import { expect } from 'chai';
import { runCaptured } from './process-ops.js';

describe('runCaptured', () => {
  it('passes argv and env, captures stdout, and reports the exit status', () => {
    const r = runCaptured('/bin/sh', ['sh', '-c', 'echo "$0 $GREETING"; exit 7'], ['GREETING=hello']);
    expect(r.stdout.toString()).to.equal('sh hello\n');
    expect(r.status).to.equal(7);
    expect(r.signal).to.equal(undefined);
    expect(r.timedOut).to.equal(false);
  });

  it('starts the program with no signal ignored or blocked (Node ignores SIGPIPE)', () => {
    const r = runCaptured('/bin/sh', ['sh', '-c', 'grep -E "^Sig(Ign|Blk)" /proc/self/status'], []);
    // The standard signals (1-31); 32 and 33 are glibc's own, out of posix_spawn's reach.
    const masks = Object.fromEntries(r.stdout.toString().trim().split('\n').map((l) => l.split(':\t')).map(([k, v]) => [k, BigInt(`0x${v}`) & 0x7fffffffn]));
    expect(masks).to.deep.equal({ SigBlk: 0n, SigIgn: 0n });
  });

  it('reads stdin from /dev/null', () => {
    expect(runCaptured('/bin/sh', ['sh', '-c', 'cat; echo end'], []).stdout.toString()).to.equal('end\n');
  });

  it('kills a program that runs past the timeout, and one that prints too much', () => {
    const slow = runCaptured('/bin/sh', ['sh', '-c', 'echo started; exec sleep 30'], [], { timeoutMs: 200 });
    expect(slow).to.include({ timedOut: true, signal: 9 });
    expect(slow.stdout.toString()).to.equal('started\n');
    const loud = runCaptured('/bin/sh', ['sh', '-c', 'exec yes'], ['PATH=/usr/bin:/bin'], { maxBytes: 10000 });
    expect(loud).to.include({ overflow: true, signal: 9 });
    expect(loud.stdout.length).to.equal(10000);
  });

  it('throws an errno error for a program that cannot be started', () => {
    expect(() => runCaptured('/nonexistent/program', ['x'], [])).to.throw(/ENOENT/);
  });
});

import { expect } from 'chai';
import { defaultSignalDisposition } from './signal-disposition.js';
import { signalName, signalNumber, signals } from './signals.js';

describe('signals', () => {
  it('numbers signals as Linux on x86-64 does', () => {
    expect(signals.SIGHUP).to.equal(1);
    expect(signals.SIGABRT).to.equal(6);
    expect(signals.SIGKILL).to.equal(9);
    expect(signals.SIGUSR1).to.equal(10);
    expect(signals.SIGSEGV).to.equal(11);
    expect(signals.SIGTERM).to.equal(15);
    expect(signals.SIGCHLD).to.equal(17);
    expect(signals.SIGCONT).to.equal(18);
    expect(signals.SIGSYS).to.equal(31);
  });

  it('names signals as systemd prints them', () => {
    expect(signalName(15)).to.equal('SIGTERM');
    expect(signalName(9)).to.equal('SIGKILL');
    expect(signalName(34)).to.equal('SIGRTMIN');
    expect(signalName(37)).to.equal('SIGRTMIN+3');
    expect(signalName(0)).to.equal('0');
    expect(signalName(99)).to.equal('99');
  });

  it('parses the spellings systemd accepts', () => {
    expect(signalNumber('SIGTERM')).to.equal(15);
    expect(signalNumber('TERM')).to.equal(15);
    expect(signalNumber('9')).to.equal(9);
    expect(signalNumber('RTMIN+2')).to.equal(36);
    expect(signalNumber('SIGRTMAX-1')).to.equal(63);
    expect(signalNumber('SIGRTMIN+31')).to.equal(undefined);
    expect(signalNumber('NOPE')).to.equal(undefined);
    expect(signalNumber('0')).to.equal(undefined);
    expect(signalNumber('toString')).to.equal(undefined);
  });

  it('knows the kernel default dispositions', () => {
    expect(defaultSignalDisposition(signals.SIGTERM)).to.equal('terminate');
    expect(defaultSignalDisposition(signals.SIGHUP)).to.equal('terminate');
    expect(defaultSignalDisposition(signals.SIGABRT)).to.equal('dump');
    expect(defaultSignalDisposition(signals.SIGSEGV)).to.equal('dump');
    expect(defaultSignalDisposition(signals.SIGCHLD)).to.equal('ignore');
    expect(defaultSignalDisposition(signals.SIGCONT)).to.equal('ignore');
    expect(defaultSignalDisposition(40)).to.equal('terminate');
  });
});

import { expect } from 'chai';
import { FakeEventLoop } from './fake-event-loop.js';
import { MemoryLogger, formatLogRecord } from './memory-logger.js';

describe('MemoryLogger', () => {
  it('formats lines as systemd does: "unit: message"', () => {
    const logger = new MemoryLogger({ echo: false });
    logger.log({ level: 'info', unit: 'foo.service', message: 'Deactivated successfully.' });
    logger.log({ level: 'notice', message: 'Reached target x.' });
    expect(logger.lines()).to.deep.equal(['foo.service: Deactivated successfully.', 'Reached target x.']);
    expect(formatLogRecord({ level: 'err', unit: 'a.socket', message: 'Failed.' })).to.equal('a.socket: Failed.');
  });

  it('finds and filters by substring or RegExp, including global ones', () => {
    const logger = new MemoryLogger({ echo: false });
    logger.log({ level: 'info', unit: 'a.service', message: 'Main process exited, code=exited, status=1/FAILURE' });
    logger.log({ level: 'warning', unit: 'a.service', message: 'Failed with result exit-code.' });
    logger.log({ level: 'info', unit: 'b.service', message: 'Failed with result timeout.' });
    expect(logger.find('status=1')?.level).to.equal('info');
    const global = /Failed with result/g;
    expect(logger.find(global)?.unit).to.equal('a.service');
    expect(logger.find(global)?.unit).to.equal('a.service');
    expect(logger.filter(/result (\S+)\./)).to.have.length(2);
    expect(logger.forUnit('b.service')).to.have.length(1);
    expect(logger.find('nothing like this')).to.equal(undefined);
  });

  it('keeps only records at or above its level', () => {
    const logger = new MemoryLogger({ level: 'info', echo: false });
    expect(logger.enabled('debug')).to.equal(false);
    expect(logger.enabled('info')).to.equal(true);
    expect(logger.enabled('err')).to.equal(true);
    logger.log({ level: 'debug', message: 'noise' });
    logger.log({ level: 'err', message: 'bad' });
    expect(logger.lines()).to.deep.equal(['bad']);
    logger.level = 'debug';
    logger.log({ level: 'debug', message: 'now kept' });
    expect(logger.records).to.have.length(2);
  });

  it('copies records and stamps them with the clock', () => {
    const loop = new FakeEventLoop();
    const logger = new MemoryLogger({ clock: loop, echo: false });
    const record = { level: 'info' as const, message: 'one', fields: { JOB_ID: '1' } };
    logger.log(record);
    record.message = 'changed';
    record.fields.JOB_ID = '2';
    loop.advance(5);
    logger.log({ level: 'info', message: 'two' });
    expect(logger.records[0]).to.deep.equal({ level: 'info', message: 'one', fields: { JOB_ID: '1' }, at: loop.now() - 5 });
    expect(logger.records[1]!.at).to.equal(loop.now());
    logger.clear();
    expect(logger.lines()).to.deep.equal([]);
  });

  it('echoes to stderr when asked', () => {
    const logger = new MemoryLogger({ echo: true });
    const written: string[] = [];
    const original = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as typeof process.stderr.write;
    try {
      logger.log({ level: 'err', unit: 'x.service', message: 'boom' });
    } finally {
      process.stderr.write = original;
    }
    expect(written).to.deep.equal(['<3>x.service: boom\n']);
  });
});

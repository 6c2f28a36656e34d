import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { ConsoleOutput, formatConsoleLine } from './console-output.js';

describe('console output (--log-target=console)', () => {
  const entry = { time: 0, unit: 'echo.service', pid: 1234, priority: 6, identifier: 'node', message: 'hello' };

  it('prefixes each line with the unit name and pid', () => {
    expect(formatConsoleLine(entry)).to.equal('echo.service[1234]: hello\n');
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    new ConsoleOutput(out).write({ ...entry, message: 'a\nb' });
    expect(text).to.equal('echo.service[1234]: a\necho.service[1234]: b\n');
  });

  it('goes quiet once the stream fails (a reader that went away)', () => {
    const out = new PassThrough();
    let writes = 0;
    out.on('data', () => writes++);
    const c = new ConsoleOutput(out);
    out.emit('error', Object.assign(new Error('EPIPE'), { code: 'EPIPE' }));
    c.write(entry);
    expect(writes).to.equal(0);
  });
});

import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IN } from '@unitkit/core';
import { NativeInotify } from './native-inotify.js';
import { scratch } from './spec-helpers.js';

describe('NativeInotify', () => {
  it('reports the creation of an entry in a watched directory and a close after writing to a watched file', () => {
    const dir = join(scratch, 'inotify');
    mkdirSync(dir, { recursive: true });
    const inotify = new NativeInotify();
    const fd = inotify.init();
    try {
      const wdDir = inotify.addWatch(fd, dir, IN.CREATE);
      expect(inotify.read(fd)).to.deep.equal([]);
      writeFileSync(join(dir, 'f'), 'x');
      const created = inotify.read(fd);
      expect(created).to.deep.include({ wd: wdDir, mask: IN.CREATE, name: 'f' });
      const wdFile = inotify.addWatch(fd, join(dir, 'f'), IN.CLOSE_WRITE);
      writeFileSync(join(dir, 'f'), 'y');
      expect(inotify.read(fd)).to.deep.include({ wd: wdFile, mask: IN.CLOSE_WRITE, name: '' });
    } finally {
      inotify.close(fd);
    }
  });

  it('refuses a watch on a missing path with ENOENT', () => {
    const inotify = new NativeInotify();
    const fd = inotify.init();
    try {
      expect(() => inotify.addWatch(fd, join(scratch, 'missing', 'x'), IN.CREATE)).to.throw().with.property('code', 'ENOENT');
    } finally {
      inotify.close(fd);
    }
  });
});

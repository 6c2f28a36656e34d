import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { NssUserDatabase } from './nss-user-database.js';

describe('NssUserDatabase', () => {
  const db = new NssUserDatabase();

  it('resolves root and the groups every Linux has through NSS', () => {
    expect(db.userByName('root')).to.deep.include({ name: 'root', uid: 0, gid: 0 });
    expect(db.userById(0)?.name).to.equal('root');
    expect(db.groupByName('root')).to.deep.equal({ name: 'root', gid: 0 });
    expect(db.groupById(0)?.name).to.equal('root');
  });

  it('answers undefined for names and ids nobody has', () => {
    expect(db.userByName('unitkit-no-such-user')).to.equal(undefined);
    expect(db.groupByName('unitkit-no-such-group')).to.equal(undefined);
    expect(db.userById(2147483000)).to.equal(undefined);
  });

  it('agrees with /etc/passwd for the users listed there (the files module)', () => {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n').slice(0, 5)) {
      const [name, , uid, gid, , home] = line.split(':');
      if (!name) continue;
      expect(db.userByName(name)).to.deep.include({ uid: Number(uid), gid: Number(gid), home });
    }
  });
});

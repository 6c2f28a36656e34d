/**
 * The execution environment of systemd.exec(5) on the whole native stack, checked from inside
 * real processes: RuntimeDirectory= and friends with their modes, owners and variables, removal
 * at stop, LoadCredential=/SetCredential=, User= through NSS, DynamicUser=, and the exit statuses
 * of the steps that fail (233/RUNTIME_DIRECTORY, 217/USER, 243/CREDENTIALS, 224/PAM).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { nativeStack, type NativeStack } from './native-stack.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A oneshot that stays active and runs `script` with /bin/sh. */
const oneshot = (body: string, script: string) =>
  `[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\n${body}\nExecStart=/bin/sh -c '${script}'\n`;

const envOf = (file: string): Record<string, string> =>
  Object.fromEntries(fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('end to end: execution environment (user manager)', function () {
  this.timeout(30000);
  let s: NativeStack;
  let run: string;
  let home: string;
  beforeEach(() => {
    s = nativeStack({ environment: { PATH: DEFAULT_PATH, HOME: '{dir}/home', XDG_RUNTIME_DIR: '{dir}/run' } });
    run = path.join(s.dir, 'run');
    home = path.join(s.dir, 'home');
    fs.mkdirSync(run, { mode: 0o700 });
    fs.mkdirSync(home);
  });
  afterEach(async () => s.close());

  it('creates the directories in the XDG locations with their modes, sets the variables, removes the runtime ones at stop', async () => {
    fs.writeFileSync(path.join(s.dir, 'secret'), 'from-file');
    s.unit('dirs.service', oneshot(
      'RuntimeDirectory=a a/b\nRuntimeDirectoryMode=0700\nStateDirectory=st\nCacheDirectory=ca\nLogsDirectory=lo\nConfigurationDirectory=co\nConfigurationDirectoryMode=0750\n' +
        'LoadCredential=file:{dir}/secret\nSetCredential=inline:hello\\nworld',
      'env > {dir}/env; stat -c "%%a %%n" $(echo $RUNTIME_DIRECTORY | tr : " ") $(echo $STATE_DIRECTORY $CACHE_DIRECTORY $LOGS_DIRECTORY $CONFIGURATION_DIRECTORY) > {dir}/stat; ' +
        'cat $CREDENTIALS_DIRECTORY/file > {dir}/cred-file; cat $CREDENTIALS_DIRECTORY/inline > {dir}/cred-inline; stat -c "%%a" $CREDENTIALS_DIRECTORY/file $CREDENTIALS_DIRECTORY/inline > {dir}/cred-modes',
    ));
    expect(await s.run('start', 'dirs.service')).to.equal('done');
    const env = envOf(path.join(s.dir, 'env'));
    expect(env.RUNTIME_DIRECTORY).to.equal(`${run}/a:${run}/a/b`);
    // systemd 252's user manager: state and configuration in ~/.config, logs in ~/.config/log, cache in ~/.cache.
    expect(env.STATE_DIRECTORY).to.equal(`${home}/.config/st`);
    expect(env.CACHE_DIRECTORY).to.equal(`${home}/.cache/ca`);
    expect(env.LOGS_DIRECTORY).to.equal(`${home}/.config/log/lo`);
    expect(env.CONFIGURATION_DIRECTORY).to.equal(`${home}/.config/co`);
    expect(env.CREDENTIALS_DIRECTORY).to.equal(`${run}/credentials/dirs.service`);
    expect(env.PATH).to.equal(DEFAULT_PATH);
    const stat = fs.readFileSync(path.join(s.dir, 'stat'), 'utf8').trim().split('\n');
    expect(stat.slice(0, 2)).to.deep.equal([`700 ${run}/a`, `700 ${run}/a/b`]);
    expect(stat).to.include(`755 ${home}/.config/st`).and.include(`750 ${home}/.config/co`);
    expect(fs.readFileSync(path.join(s.dir, 'cred-file'), 'utf8')).to.equal('from-file');
    expect(fs.readFileSync(path.join(s.dir, 'cred-inline'), 'utf8')).to.equal('hello\nworld');
    expect(fs.readFileSync(path.join(s.dir, 'cred-modes'), 'utf8')).to.equal('400\n400\n');
    expect(s.prop('dirs.service', 'RuntimeDirectory')).to.contain('a');
    expect(await s.run('stop', 'dirs.service')).to.equal('done');
    // On a disk file system systemd (rm_rf without REMOVE_PHYSICAL) empties nothing: a/b goes, being empty; a is left with nothing in it.
    expect(fs.existsSync(path.join(run, 'a', 'b'))).to.equal(false);
    expect(fs.existsSync(path.join(run, 'credentials', 'dirs.service'))).to.equal(false);
    expect(fs.existsSync(path.join(home, '.config/st'))).to.equal(true);
  });

  it('RuntimeDirectoryPreserve=yes keeps the runtime directory at stop', async () => {
    s.unit('keep.service', oneshot('RuntimeDirectory=kept\nRuntimeDirectoryPreserve=yes', 'true'));
    expect(await s.run('start', 'keep.service')).to.equal('done');
    expect(await s.run('stop', 'keep.service')).to.equal('done');
    expect(fs.statSync(path.join(run, 'kept')).isDirectory()).to.equal(true);
  });

  it('fails each step with systemd exit status: 233 directory, 217 user, 216 group, 243 credentials, 224 PAM', async () => {
    fs.writeFileSync(path.join(run, 'blocked'), '');
    const cases: Array<[string, string, string]> = [
      ['rd.service', 'RuntimeDirectory=blocked/x', '233 RUNTIME_DIRECTORY'],
      ['usr.service', 'User=no-such-user-unitkit', '217 USER'],
      ['grp.service', 'Group=no-such-group-unitkit', '216 GROUP'],
      ['cred.service', 'LoadCredential=x:/nonexistent/unitkit-cred', '243 CREDENTIALS'],
      ['pam.service', 'PAMName=login', '224 PAM'],
    ];
    for (const [name, body, want] of cases) {
      s.unit(name, oneshot(body, 'true'));
      expect(await s.run('start', name)).to.equal('failed');
      const [status, step] = want.split(' ');
      expect(s.prop(name, 'ExecMainStatus'), name).to.equal(status);
      expect(s.prop(name, 'Result'), name).to.equal('exit-code');
      expect(s.logger.find(new RegExp(`Failed at step ${step} spawning /bin/sh`)), name).to.not.equal(undefined);
    }
    expect(s.logger.find(/Failed to determine user credentials: No such process/)).to.not.equal(undefined);
  });
});

const root = process.getuid?.() === 0;

describe('end to end: execution environment (system manager, as root)', function () {
  this.timeout(30000);
  let s: NativeStack;
  const tag = `unitkit-test-${randomBytes(4).toString('hex')}`;
  before(function () {
    if (!root) {
      console.log('    (skipped: creating /run, /var/lib directories and changing uid needs root)');
      this.skip();
    }
  });
  beforeEach(() => (s = nativeStack({ scope: 'system', environment: { PATH: DEFAULT_PATH } })));
  afterEach(async () => {
    await s?.close();
    for (const p of [`/run/${tag}`, `/var/lib/${tag}`, `/var/lib/private/${tag}`, `/var/cache/${tag}`, `/var/cache/private/${tag}`, `/var/log/${tag}`, `/var/log/private/${tag}`, `/run/private/${tag}`]) {
      fs.rmSync(p, { recursive: true, force: true });
    }
  });

  it('User=nobody through NSS: directories owned by the user, login variables, credentials 0400 owned by it', async () => {
    s.unit('nob.service', oneshot(`User=nobody\nRuntimeDirectory=${tag}\nStateDirectory=${tag}\nSetCredential=c:v`,
      'id -u > {dir}/id; env > {dir}/env; stat -c "%%U %%a" $RUNTIME_DIRECTORY $STATE_DIRECTORY $CREDENTIALS_DIRECTORY/c > {dir}/stat; cat $CREDENTIALS_DIRECTORY/c > {dir}/cred; grep " $CREDENTIALS_DIRECTORY " /proc/self/mountinfo > {dir}/mnt'));
    fs.chmodSync(s.dir, 0o777);
    expect(await s.run('start', 'nob.service')).to.equal('done');
    expect(fs.readFileSync(path.join(s.dir, 'id'), 'utf8').trim()).to.equal('65534');
    const env = envOf(path.join(s.dir, 'env'));
    // nobody is synthesized as systemd does: home "/" and nologin are not passed on.
    expect([env.USER, env.LOGNAME, env.HOME, env.SHELL, env.PATH]).to.deep.equal(['nobody', 'nobody', undefined, undefined, DEFAULT_PATH]);
    expect(env.RUNTIME_DIRECTORY).to.equal(`/run/${tag}`);
    expect(env.CREDENTIALS_DIRECTORY).to.equal('/run/credentials/nob.service');
    expect(fs.readFileSync(path.join(s.dir, 'stat'), 'utf8')).to.equal('nobody 755\nnobody 755\nnobody 400\n');
    expect(fs.readFileSync(path.join(s.dir, 'cred'), 'utf8')).to.equal('v');
    // As root: a private ramfs (tmpfs without ramfs), mounted read-only, as systemd's.
    const mnt = fs.readFileSync(path.join(s.dir, 'mnt'), 'utf8');
    expect(mnt).to.match(/ ro,[^ ]*nosuid,nodev,noexec/).and.match(/ - (ramfs|tmpfs) /);
    expect(await s.run('stop', 'nob.service')).to.equal('done');
    expect(fs.existsSync(`/run/${tag}`)).to.equal(false);
    expect(fs.existsSync('/run/credentials/nob.service')).to.equal(false);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).to.not.contain('/run/credentials/nob.service');
  });

  it('ProtectSystem=strict, ProtectHome=, PrivateTmp=: the service sees / read-only, its own /tmp, removed at stop', async () => {
    s.unit('sandboxed.service', oneshot(`RemainAfterExit=yes\nProtectSystem=strict\nProtectHome=read-only\nPrivateTmp=yes\nBindPaths=${s.dir}`,
      'touch /usr/.unitkit-x 2> {dir}/usr; touch /root/.unitkit-x 2> {dir}/home; ls -A /tmp > {dir}/tmp; echo x > /tmp/mine; grep -c " / ro," /proc/self/mountinfo > {dir}/root'));
    expect(await s.run('start', 'sandboxed.service')).to.equal('done');
    expect(fs.readFileSync(path.join(s.dir, 'usr'), 'utf8')).to.include('Read-only file system');
    expect(fs.readFileSync(path.join(s.dir, 'home'), 'utf8')).to.include('Read-only file system');
    // Only the bound test directory's top-level parent shows in the private /tmp.
    expect(fs.readFileSync(path.join(s.dir, 'tmp'), 'utf8').trim().split('\n')).to.deep.equal([s.dir.split('/')[2]]);
    expect(fs.readFileSync(path.join(s.dir, 'root'), 'utf8').trim()).to.equal('1');
    const privateDirs = () => fs.readdirSync('/tmp').filter((e) => e.includes('-sandboxed.service-'));
    expect(privateDirs()).to.have.length(1);
    expect(await s.run('stop', 'sandboxed.service')).to.equal('done');
    expect(privateDirs()).to.deep.equal([]);
  });

  it('DynamicUser=: a uid in 61184…65519, named after the unit; state in /var/lib/private with a symlink', async () => {
    const unit = `${tag.replace(/-/g, '_')}.service`;
    // DynamicUser= implies ProtectSystem=strict and a private /tmp: the test directory is bound in, and
    // the service reaches its state directory through private/ as under systemd.
    s.unit(unit, oneshot(`DynamicUser=yes\nStateDirectory=${tag}\nBindPaths=${s.dir}`, 'id -u > {dir}/id; env > {dir}/env; touch $STATE_DIRECTORY/mine && echo ok > {dir}/state'));
    fs.chmodSync(s.dir, 0o777);
    expect(await s.run('start', unit)).to.equal('done');
    const uid = Number(fs.readFileSync(path.join(s.dir, 'id'), 'utf8'));
    expect(uid).to.be.within(61184, 65519);
    expect(envOf(path.join(s.dir, 'env')).USER).to.equal(tag.replace(/-/g, '_'));
    expect(fs.statSync(`/var/lib/private/${tag}`).uid).to.equal(uid);
    expect(fs.readFileSync(path.join(s.dir, 'state'), 'utf8')).to.equal('ok\n');
    expect(fs.statSync(`/var/lib/private/${tag}/mine`).uid).to.equal(uid);
    expect(envOf(path.join(s.dir, 'env')).STATE_DIRECTORY).to.equal(`/var/lib/${tag}`);
    expect(fs.readlinkSync(`/var/lib/${tag}`)).to.equal(`private/${tag}`);
    expect(fs.statSync('/var/lib/private').mode & 0o777).to.equal(0o700);
    expect(s.prop(unit, 'User')).to.equal(tag.replace(/-/g, '_'));
    expect(await s.run('stop', unit)).to.equal('done');
  });
});

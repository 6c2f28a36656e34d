import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseUnitText } from '@unitkit/unit-file';
import { execContextTable } from './exec-context-table.js';
import { readExecContext } from './exec-context.js';
import { execContextProperties } from './exec-properties.js';
import {
  cleanableExecResources, execDirectoryEnvironment, execDirectoryPrefixes, parseExecDirectories, removeRuntimeDirectories, setupExecDirectories,
} from './exec-directories.js';
import { parseLoadCredential, parseSetCredential, setupCredentials } from './exec-credentials.js';
import { allocateDynamicUser, dynamicUserName, releaseDynamicUser, DYNAMIC_UID_MIN, DYNAMIC_UID_MAX } from './dynamic-user.js';
import { noUserDatabase } from './user-database.js';
import { EXEC_CHILD_STEP_NAMES } from './exec-spec.js';

function parse(body: string, name = 'a.service') {
  const parsed = parseUnitText(`[Service]\n${body}`, { name, tables: [execContextTable('Service', ['service'])] });
  return { context: readExecContext(parsed.sections.get('Service'), name), diagnostics: parsed.diagnostics.map((d) => d.message) };
}

describe('exec directories, credentials, dynamic users', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-execdirs-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('parses the lists, modes, symlinks and RuntimeDirectoryPreserve=; refuses bad paths and the encrypted credentials', () => {
    const { context, diagnostics } = parse(
      'RuntimeDirectory=a b/c:link\nRuntimeDirectory=d\nRuntimeDirectoryMode=0700\nRuntimeDirectoryPreserve=restart\nStateDirectory=../x\nStateDirectory=ok\n' +
        'LoadCredentialEncrypted=x:/y\nDynamicUser=yes\nLoadCredential=k:/etc/hostname\nSetCredential=v:a\\nb',
    );
    expect(context.directories.Runtime.items).to.deep.equal([{ path: 'a', symlinks: [] }, { path: 'b/c', symlinks: ['link'] }, { path: 'd', symlinks: [] }]);
    expect(context.directories.Runtime.mode).to.equal(0o700);
    expect(context.runtimeDirectoryPreserve).to.equal('restart');
    expect(context.directories.State.items.map((i) => i.path)).to.deep.equal(['ok']);
    expect(diagnostics.join('\n')).to.match(/StateDirectory= path is not valid/).and.match(/LoadCredentialEncrypted= is not supported by unitkit/);
    expect([context.user, context.group, context.dynamicUser]).to.deep.equal(['a', 'a', true]);
    expect(context.loadCredentials).to.deep.equal([{ id: 'k', path: '/etc/hostname' }]);
    expect(context.setCredentials).to.deep.equal([{ id: 'v', value: 'a\nb' }]);
    expect(() => parseExecDirectories('Runtime', '/abs')).to.throw(/not valid/);
    expect(() => parseLoadCredential('a/b:/x')).to.throw(/not valid/);
    expect(() => parseSetCredential('novalue')).to.throw();
  });

  it('show prints them as systemd 252 does', () => {
    const { context } = parse('RuntimeDirectory=r1 r2:link2\nStateDirectory=s1\nPAMName=login\nDynamicUser=yes', 'e.service');
    const props = new Map(execContextProperties(context, 'user').map(([k, v]) => [k, (v as { value: unknown }).value]));
    expect(props.get('RuntimeDirectorySymlink')).to.equal('r2:link2');
    expect(props.get('RuntimeDirectory')).to.deep.equal(['r1', 'r2']);
    expect(props.get('StateDirectoryMode')).to.equal('0755');
    expect([props.get('User'), props.get('Group'), props.get('DynamicUser'), props.get('PAMName')]).to.deep.equal(['e', 'e', true, 'login']);
    expect(props.has('StateDirectorySymlink')).to.equal(false);
    expect(cleanableExecResources(context.directories)).to.deep.equal(['runtime', 'state']);
  });

  it('locates each kind for the system and the user manager', () => {
    expect(execDirectoryPrefixes('system', {})).to.deep.equal({ Runtime: '/run', State: '/var/lib', Cache: '/var/cache', Logs: '/var/log', Configuration: '/etc' });
    expect(execDirectoryPrefixes('user', { HOME: '/h', XDG_RUNTIME_DIR: '/r' })).to.deep.equal({
      Runtime: '/r', State: '/h/.config', Cache: '/h/.cache', Logs: '/h/.config/log', Configuration: '/h/.config',
    });
    expect(execDirectoryPrefixes('user', { HOME: '/h', XDG_CONFIG_HOME: '/c', XDG_CACHE_HOME: '/k' })).to.include({ Runtime: undefined, State: '/c', Cache: '/k', Logs: '/c/log' });
  });

  it('creates nested directories with their modes, leaves a configuration directory alone and warns; removes the runtime ones', () => {
    const { context } = parse('RuntimeDirectory=a a/b\nRuntimeDirectoryMode=0710\nConfigurationDirectory=conf\nConfigurationDirectoryMode=0700\nStateDirectory=s:s-link');
    const prefixes = { Runtime: path.join(tmp, 'run'), State: path.join(tmp, 'state'), Cache: undefined, Logs: undefined, Configuration: path.join(tmp, 'etc') };
    fs.mkdirSync(path.join(tmp, 'etc', 'conf'), { recursive: true, mode: 0o755 });
    fs.chmodSync(path.join(tmp, 'etc', 'conf'), 0o755);
    const warnings: string[] = [];
    setupExecDirectories(context.directories, { prefixes, dynamicUser: false, warn: (m) => warnings.push(m) });
    expect(fs.statSync(path.join(tmp, 'run/a')).mode & 0o7777).to.equal(0o710);
    expect(fs.statSync(path.join(tmp, 'run/a/b')).mode & 0o7777).to.equal(0o710);
    expect(fs.statSync(path.join(tmp, 'etc/conf')).mode & 0o7777).to.equal(0o755);
    expect(fs.readlinkSync(path.join(tmp, 'state/s-link'))).to.equal('s');
    expect(warnings).to.deep.equal(["ConfigurationDirectory 'conf' already exists but the mode is different. (File system: 755 ConfigurationDirectoryMode: 700)"]);
    expect(execDirectoryEnvironment(context.directories, prefixes)).to.deep.equal({
      RUNTIME_DIRECTORY: `${tmp}/run/a:${tmp}/run/a/b`, STATE_DIRECTORY: `${tmp}/state/s`, CONFIGURATION_DIRECTORY: `${tmp}/etc/conf`,
    });
    removeRuntimeDirectories(context.directories, prefixes.Runtime);
    expect(fs.existsSync(path.join(tmp, 'run/a/b'))).to.equal(false);
  });

  it('DynamicUser= puts state in private/ with a relative symlink', () => {
    const { context } = parse('StateDirectory=svc\nDynamicUser=yes');
    const prefixes = { Runtime: undefined, State: path.join(tmp, 'lib'), Cache: undefined, Logs: undefined, Configuration: undefined };
    setupExecDirectories(context.directories, { prefixes, dynamicUser: true });
    expect(fs.readlinkSync(path.join(tmp, 'lib/svc'))).to.equal('private/svc');
    expect(fs.statSync(path.join(tmp, 'lib/private')).mode & 0o777).to.equal(0o700);
    expect(fs.statSync(path.join(tmp, 'lib/private/svc')).isDirectory()).to.equal(true);
  });

  it('migrates a directory into private/ when DynamicUser= is turned on, and back when turned off, saying so', () => {
    const { context } = parse('StateDirectory=svc');
    const prefixes = { Runtime: undefined, State: path.join(tmp, 'lib'), Cache: undefined, Logs: undefined, Configuration: undefined };
    const notes: string[] = [];
    setupExecDirectories(context.directories, { prefixes, dynamicUser: false });
    fs.writeFileSync(path.join(tmp, 'lib/svc/data'), 'kept');
    setupExecDirectories(context.directories, { prefixes, dynamicUser: true, info: (m) => notes.push(m) });
    expect(fs.readFileSync(path.join(tmp, 'lib/private/svc/data'), 'utf8')).to.equal('kept');
    expect(fs.lstatSync(path.join(tmp, 'lib/svc')).isSymbolicLink()).to.equal(true);
    setupExecDirectories(context.directories, { prefixes, dynamicUser: false, info: (m) => notes.push(m) });
    expect(fs.lstatSync(path.join(tmp, 'lib/svc')).isDirectory()).to.equal(true);
    expect(fs.readFileSync(path.join(tmp, 'lib/svc/data'), 'utf8')).to.equal('kept');
    expect(notes.map((n) => n.split('\n')[0].replaceAll(tmp, ''))).to.deep.equal([
      'Found pre-existing public StateDirectory= directory /lib/svc, migrating to /lib/private/svc.',
      'Found pre-existing private StateDirectory= directory /lib/private/svc, migrating to /lib/svc.',
    ]);
  });

  it('fails with the kind of the directory that cannot be made', () => {
    const { context } = parse('StateDirectory=ok\nLogsDirectory=blocked/x');
    fs.mkdirSync(path.join(tmp, 'log'));
    fs.writeFileSync(path.join(tmp, 'log/blocked'), '');
    const prefixes = { Runtime: undefined, State: path.join(tmp, 'lib'), Cache: undefined, Logs: path.join(tmp, 'log'), Configuration: undefined };
    expect(() => setupExecDirectories(context.directories, { prefixes, dynamicUser: false })).to.throw().with.property('type', 'Logs');
  });

  it('writes credentials 0400 in a 0500 directory; SetCredential= is the fallback of a LoadCredential= that fails', () => {
    fs.writeFileSync(path.join(tmp, 'src'), 'loaded');
    const dir = path.join(tmp, 'credentials', 'a.service');
    setupCredentials(dir, [{ id: 'l', path: path.join(tmp, 'src') }, { id: 'm', path: '/nonexistent' }], [{ id: 'm', value: 'fallback' }, { id: 'l', value: 'ignored' }], undefined, undefined);
    expect(fs.readFileSync(path.join(dir, 'l'), 'utf8')).to.equal('loaded');
    expect(fs.readFileSync(path.join(dir, 'm'), 'utf8')).to.equal('fallback');
    expect(fs.statSync(path.join(dir, 'l')).mode & 0o777).to.equal(0o400);
    expect(fs.statSync(dir).mode & 0o777).to.equal(0o500);
    // A second start replaces the directory.
    setupCredentials(dir, [], [{ id: 'n', value: 'x' }], undefined, undefined);
    expect(fs.readdirSync(dir)).to.deep.equal(['n']);
    expect(() => setupCredentials(dir, [{ id: 'q', path: '/nonexistent' }], [], undefined, undefined)).to.throw(/No such file/);
  });

  it('allocates dynamic uids in the range, the same one per name, and releases them', () => {
    const lock = path.join(tmp, 'dynamic-uid');
    const a = allocateDynamicUser(lock, 'alpha', noUserDatabase);
    expect(a).to.be.within(DYNAMIC_UID_MIN, DYNAMIC_UID_MAX);
    expect(allocateDynamicUser(lock, 'alpha', noUserDatabase)).to.equal(a);
    const b = allocateDynamicUser(lock, 'beta', noUserDatabase);
    expect(b).to.not.equal(a);
    releaseDynamicUser(lock, 'alpha');
    expect(fs.existsSync(path.join(lock, String(a)))).to.equal(false);
    expect(dynamicUserName('my-app@x.service')).to.equal('my-app');
    expect(dynamicUserName('1bad.service')).to.match(/^_du[0-9a-f]{16}$/);
  });

  it('runs the child steps in systemd order', () => {
    expect(EXEC_CHILD_STEP_NAMES).to.deep.equal(['USER', 'GROUP', 'DIRECTORIES', 'CREDENTIALS', 'PAM', 'NAMESPACE']);
  });
});

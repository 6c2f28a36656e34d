/**
 * End to end: a real unitkitd in a temporary runtime directory, driven only through unitkitctl
 * processes and real clients (raw socket requests, signals). Checks output formats and the exit
 * status of every verb against what systemctl 252 prints for the same situations.
 */
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const daemonJs = path.join(here, 'unitkitd.js');
const ctlBin = path.resolve(here, '../bin/unitkitctl.js');

interface Run {
  rc: number;
  out: string;
  err: string;
}

describe('unitkitctl against a real unitkitd', function () {
  this.timeout(20000);
  let dir: string;
  let units: string;
  let run: string;
  let daemon: ReturnType<typeof spawn>;
  let daemonLog = '';
  let env: NodeJS.ProcessEnv;

  const ctl = (...args: string[]) => ctlAs(undefined, ...args);
  const ctlAs = (prefix: string[] | undefined, ...args: string[]) =>
    new Promise<Run>((resolve) => {
      const argv = [...(prefix ?? []), process.execPath, ctlBin, '--no-pager', ...args];
      execFile(argv[0]!, argv.slice(1), { env }, (error, stdout, stderr) => {
        resolve({ rc: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr });
      });
    });
  const unit = (name: string, text: string) => fs.writeFileSync(path.join(units, name), text);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkitctl-'));
    units = path.join(dir, 'units');
    run = path.join(dir, 'run');
    fs.mkdirSync(units);
    unit('default.target', '[Unit]\nDescription=Top\nWants=a.target\nAfter=c.target\n');
    unit('a.target', '[Unit]\nDescription=Target A\nWants=b.target\n');
    unit('b.target', '[Unit]\nDescription=Target B\n');
    unit('c.target', '[Unit]\nDescription=Target C\nAllowIsolate=yes\n');
    unit('inst.target', '[Unit]\nDescription=Installable\n[Install]\nWantedBy=default.target\n');
    unit('broken.target', '[Unit\nDescription=Broken\n');
    env = { ...process.env, UNITKIT_RUNTIME_DIR: run, XDG_RUNTIME_DIR: dir, UNITKIT_UNIT_PATH: `${units}:`, XDG_CONFIG_HOME: path.join(dir, 'config'), NO_COLOR: '1' };
    daemon = spawn(process.execPath, [daemonJs, '--user'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    daemon.stderr!.on('data', (d) => (daemonLog += d));
    const end = Date.now() + 10000;
    while ((await ctl('is-system-running')).rc !== 0) {
      if (Date.now() > end) throw new Error(`unitkitd did not come up:\n${daemonLog}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  after(async () => {
    if (daemon.exitCode === null) {
      const exited = new Promise((r) => daemon.on('exit', r));
      daemon.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('listens on a 0600 control socket next to the notify socket', () => {
    const st = fs.statSync(path.join(run, 'private'));
    expect(st.isSocket()).to.equal(true);
    expect(st.mode & 0o777).to.equal(0o600);
  });

  it('is-system-running: running, exit 0', async () => {
    expect(await ctl('is-system-running')).to.include({ rc: 0, out: 'running\n' });
  });

  it('is-active / is-failed print states with systemctl exit codes', async () => {
    expect(await ctl('is-active', 'a.target')).to.include({ rc: 0, out: 'active\n' });
    expect(await ctl('is-active', 'c.target')).to.include({ rc: 3, out: 'inactive\n' });
    expect(await ctl('is-active', 'c.target', 'a.target')).to.include({ rc: 0, out: 'inactive\nactive\n' });
    expect(await ctl('is-active', 'nope.target')).to.include({ rc: 3, out: 'inactive\n' });
    expect(await ctl('is-failed', 'a.target')).to.include({ rc: 1, out: 'active\n' });
    expect(await ctl('is-active', '-q', 'a.target')).to.include({ rc: 0, out: '' });
  });

  it('start / stop / restart wait for the job; errors map to systemctl messages and exit codes', async () => {
    expect((await ctl('start', 'c.target')).rc).to.equal(0);
    expect((await ctl('is-active', 'c.target')).rc).to.equal(0);
    expect((await ctl('restart', 'c.target')).rc).to.equal(0);
    expect((await ctl('stop', 'c.target')).rc).to.equal(0);
    expect((await ctl('is-active', 'c.target')).rc).to.equal(3);
    expect(await ctl('start', 'nope.target')).to.include({ rc: 5, err: 'Failed to start nope.target: Unit nope.target not found.\n' });
    expect(await ctl('restart', 'nope.target')).to.include({ rc: 5, err: 'Failed to restart nope.target: Unit nope.target not found.\n' });
    expect(await ctl('stop', 'nope.target')).to.include({ rc: 5, err: 'Failed to stop nope.target: Unit nope.target not loaded.\n' });
    expect(await ctl('reload', 'a.target')).to.include({ rc: 3, err: 'Failed to reload a.target: Job type reload is not applicable for unit a.target.\n' });
    expect((await ctl('try-restart', 'c.target')).rc).to.equal(0);
    expect((await ctl('start')).rc).to.equal(1);
    expect((await ctl('start')).err).to.equal('Too few arguments.\n');
  });

  it('--no-block returns at once and the job shows in list-jobs or is done', async () => {
    expect((await ctl('start', '--no-block', 'c.target')).rc).to.equal(0);
    const jobs = await ctl('list-jobs');
    expect(jobs.rc).to.equal(0);
    expect(jobs.out).to.match(/^(No jobs running\.\n|JOB UNIT)/);
    await ctl('stop', 'c.target');
  });

  it('isolate refuses units without AllowIsolate= (exit 4)', async () => {
    const r = await ctl('isolate', 'b.target');
    expect(r.rc).to.equal(4);
    expect(r.err).to.match(/^Failed to start b\.target: Operation refused, unit may not be isolated\./);
  });

  it('show: -p lists, --value, several units separated by a blank line, not-found units still print', async () => {
    expect(await ctl('show', 'a.target', 'nope.target', '-p', 'Id,LoadState,ActiveState')).to.include({
      rc: 0,
      out: 'Id=a.target\nLoadState=loaded\nActiveState=active\n\nId=nope.target\nLoadState=not-found\nActiveState=inactive\n',
    });
    expect(await ctl('show', 'a.target', '-p', 'Id', '--property=Description', '--value')).to.include({ rc: 0, out: 'a.target\nTarget A\n' });
    const all = await ctl('show', 'a.target');
    expect(all.out).to.match(/^Id=a\.target$/m);
    expect(all.out).to.not.match(/^InvocationID=$/m);
    expect((await ctl('show', 'a.target', '--all')).out).to.match(/^Conditions=\[unprintable\]$/m);
  });

  it('status: the familiar layout; exit 0 active, 3 inactive, 4 not found', async () => {
    const r = await ctl('status', 'a.target');
    expect(r.rc).to.equal(0);
    const lines = r.out.split('\n');
    expect(lines[0]).to.equal('\u25cf a.target - Target A');
    expect(lines[1]).to.equal(`     Loaded: loaded (${units}/a.target; static)`);
    expect(lines[2]).to.match(/^     Active: active since \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+; .+ ago$/);
    expect(r.out).to.match(/unitkitd\[\d+\]: Started Target A\./);
    const inactive = await ctl('status', 'c.target');
    expect(inactive.rc).to.equal(3);
    expect(inactive.out.split('\n')[0]).to.equal('\u25cb c.target - Target C');
    expect(await ctl('status', 'nope.target')).to.include({ rc: 4, err: 'Unit nope.target could not be found.\n' });
  });

  it('list-units: legend, --all, --state, --type, patterns, --no-legend', async () => {
    const r = await ctl('list-units');
    expect(r.rc).to.equal(0);
    expect(r.out).to.match(/^  UNIT +LOAD +ACTIVE SUB +DESCRIPTION$/m);
    expect(r.out).to.match(/^  a\.target +loaded active active Target A$/m);
    expect(r.out).to.not.match(/c\.target/);
    expect(r.out).to.match(/\d+ loaded units listed\. Pass --all to see loaded but inactive units, too\.\n/);
    expect((await ctl('list-units', '--all')).out).to.match(/^  c\.target +loaded inactive dead +Target C$/m);
    expect(await ctl('list-units', '--no-legend', 'a*')).to.include({ rc: 0, out: '  a.target loaded active active Target A\n' });
    expect((await ctl('list-units', '--state=inactive', '--no-legend', '--type=target')).out).to.match(/c\.target/);
    expect((await ctl('list-units', '--state=failed')).out).to.equal('0 loaded units listed.\n');
  });

  it('list-dependencies draws the tree, list-sockets lists none here', async () => {
    expect(await ctl('list-dependencies', 'a.target')).to.include({ rc: 0, out: 'a.target\n\u25cf \u2514\u2500b.target\n' });
    expect(await ctl('list-sockets')).to.include({ rc: 0, out: '0 sockets listed.\nPass --all to see loaded but inactive sockets, too.\n' });
  });

  it('cat prints the fragment with its path; a unit without files exits 1', async () => {
    expect(await ctl('cat', 'b.target')).to.include({ rc: 0, out: `# ${units}/b.target\n[Unit]\nDescription=Target B\n` });
    expect(await ctl('cat', 'nope.target')).to.include({ rc: 1, err: 'No files found for nope.target.\n' });
  });

  it('enable / is-enabled / disable / mask / unmask', async () => {
    expect(await ctl('is-enabled', 'inst.target')).to.include({ rc: 1, out: 'disabled\n' });
    expect(await ctl('is-enabled', 'b.target')).to.include({ rc: 0, out: 'static\n' });
    const link = path.join(dir, 'config/systemd/user/default.target.wants/inst.target');
    expect(await ctl('enable', 'inst.target')).to.include({ rc: 0, err: `Created symlink ${link} \u2192 ${units}/inst.target.\n` });
    expect(await ctl('is-enabled', 'inst.target')).to.include({ rc: 0, out: 'enabled\n' });
    expect(await ctl('disable', 'inst.target')).to.include({ rc: 0, err: `Removed "${link}".\n` });
    const enableStatic = await ctl('enable', 'b.target');
    expect(enableStatic.rc).to.equal(0);
    expect(enableStatic.err).to.match(/^The unit files have no installation config/);
    // As with SYSTEMD_UNIT_PATH=dir:, the unit directory precedes the configuration directory, so
    // the mask link is written (as systemctl writes it) but the fragment still wins the lookup.
    const mask = path.join(dir, 'config/systemd/user/c.target');
    expect(await ctl('mask', 'c.target')).to.include({ rc: 0, err: `Created symlink ${mask} \u2192 /dev/null.\n` });
    expect(fs.readlinkSync(mask)).to.equal('/dev/null');
    expect(await ctl('unmask', 'c.target')).to.include({ rc: 0, err: `Removed "${mask}".\n` });
    expect((await ctl('is-enabled', 'nope.target')).err).to.equal('Failed to get unit file state for nope.target: No such file or directory\n');
  });

  it('kill and reset-failed report errors as systemctl does', async () => {
    expect(await ctl('kill', '--signal=FOO', 'a.target')).to.include({ rc: 1, err: 'Failed to parse signal string "FOO".\n' });
    expect(await ctl('kill', '--kill-whom=foo', 'a.target')).to.include({ rc: 1, err: 'Failed to kill unit a.target: Invalid who argument foo\n' });
    expect(await ctl('kill', 'nope.target')).to.include({ rc: 1, err: 'Failed to kill unit nope.target: Unit nope.target not loaded.\n' });
    expect(await ctl('reset-failed', 'nope.target')).to.include({ rc: 1, err: 'Failed to reset failed state of unit nope.target: Unit nope.target not loaded.\n' });
    expect((await ctl('reset-failed')).rc).to.equal(0);
  });

  it('daemon-reload and SIGHUP pick up new unit files', async () => {
    unit('late.target', '[Unit]\nDescription=Late\n');
    expect((await ctl('daemon-reload')).rc).to.equal(0);
    expect((await ctl('start', 'late.target')).rc).to.equal(0);
    unit('later.target', '[Unit]\nDescription=Later\n');
    daemon.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 200));
    expect((await ctl('start', 'later.target')).rc).to.equal(0);
  });

  // Texts as systemctl 252 prints them for the same steps against systemd --user.
  it('warns on stderr when a loaded unit changed on disk: status, job verbs and cat, until daemon-reload', async () => {
    unit('changed.target', '[Unit]\nDescription=Changed\n');
    expect((await ctl('daemon-reload')).rc).to.equal(0);
    expect((await ctl('start', 'changed.target')).err).to.equal('');
    expect((await ctl('show', 'changed.target', '-p', 'NeedDaemonReload')).out).to.equal('NeedDaemonReload=no\n');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(units, 'changed.target'), later, later);
    expect((await ctl('show', 'changed.target', '-p', 'NeedDaemonReload')).out).to.equal('NeedDaemonReload=yes\n');
    const warning = "Warning: The unit file, source configuration file or drop-ins of changed.target changed on disk. Run 'unitkitctl --user daemon-reload' to reload units.\n";
    const status = await ctl('status', 'changed.target');
    expect(status.err).to.equal(warning);
    expect(status.out).to.match(/^\u25cf changed\.target - Changed\n/);
    expect(await ctl('start', 'changed.target')).to.include({ rc: 0, err: warning });
    expect(await ctl('restart', 'changed.target')).to.include({ rc: 0, err: warning });
    const cat = await ctl('cat', 'changed.target');
    expect(cat.err).to.equal([
      '# Warning: changed.target changed on disk, the version systemd has loaded is outdated.',
      "# This output shows the current version of the unit's original fragment and drop-in files.",
      '# If fragments or drop-ins were added or removed, they are not properly reflected in this output.',
      "# Run 'unitkitctl --user daemon-reload' to reload units.", '',
    ].join('\n'));
    // A new drop-in in a directory the manager already knew of counts too.
    expect((await ctl('daemon-reload')).rc).to.equal(0);
    expect((await ctl('show', 'changed.target', '-p', 'NeedDaemonReload')).out).to.equal('NeedDaemonReload=no\n');
    fs.mkdirSync(path.join(units, 'changed.target.d'));
    expect((await ctl('daemon-reload')).rc).to.equal(0);
    fs.writeFileSync(path.join(units, 'changed.target.d/x.conf'), '[Unit]\nDescription=Dropped\n');
    expect((await ctl('show', 'changed.target', '-p', 'NeedDaemonReload')).out).to.equal('NeedDaemonReload=yes\n');
    expect(await ctl('stop', 'changed.target')).to.include({ rc: 0, err: warning });
  });

  it('stop warns when an active socket can start the service again', async () => {
    unit('trig.socket', `[Socket]\nListenStream=${dir}/trig.sock\n`);
    unit('trig2.socket', `[Socket]\nListenStream=${dir}/trig2.sock\nService=trig.service\n`);
    unit('trig.service', '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 60\n');
    expect((await ctl('daemon-reload')).rc).to.equal(0);
    expect((await ctl('start', 'trig.socket', 'trig2.socket', 'trig.service')).rc).to.equal(0);
    const both = (await ctl('stop', 'trig.service')).err;
    expect(both.split('\n').slice(0, 1)).to.deep.equal(['Warning: Stopping trig.service, but it can still be activated by:']);
    expect(both.split('\n').slice(1).sort()).to.deep.equal(['', '  trig.socket', '  trig2.socket']);
    expect((await ctl('stop', '-q', 'trig.service')).err).to.equal('');
    expect((await ctl('stop', '--no-block', 'trig.service')).err).to.equal('');
    expect((await ctl('stop', 'trig2.socket')).err).to.equal('');
    expect(await ctl('stop', 'trig.service')).to.include({ rc: 0, err: 'Warning: Stopping trig.service, but it can still be activated by:\n  trig.socket\n' });
    // Stopping the socket in the same call: it is no longer active when systemctl asks.
    expect(await ctl('stop', 'trig.service', 'trig.socket')).to.include({ rc: 0, err: '' });
  });

  it('a broken unit file is a bad-setting unit; the manager keeps running', async () => {
    const r = await ctl('show', 'broken.target', '-p', 'LoadState', '--value');
    expect(r.out).to.match(/^(bad-setting|loaded|error)\n$/);
    expect((await ctl('is-system-running')).rc).to.be.oneOf([0, 1]);
  });

  it('unknown verbs and options: a message and exit 1', async () => {
    expect(await ctl('frobnicate')).to.include({ rc: 1, err: 'Unknown command verb frobnicate.\n' });
    expect(await ctl('--frobnicate')).to.include({ rc: 1, err: "unitkitctl: unrecognized option '--frobnicate'\n" });
    expect(await ctl('-z')).to.include({ rc: 1, err: "unitkitctl: invalid option -- 'z'\n" });
  });

  it('-o json prints list-units and list-sockets as JSON arrays; show and is-active ignore it', async () => {
    const j = await ctl('list-units', '-o', 'json', 'a.target');
    expect(j).to.include({ rc: 0, out: '[{"unit":"a.target","load":"loaded","active":"active","sub":"active","description":"Target A"}]\n' });
    expect((await ctl('list-units', '--output=json-pretty', 'nomatch')).out).to.equal('[]\n');
    expect((await ctl('list-sockets', '-ojson')).out).to.equal('[]\n');
    expect((await ctl('show', '-o', 'json', '-p', 'Id', 'a.target')).out).to.equal('Id=a.target\n');
    expect((await ctl('is-active', '-o', 'json', 'a.target')).out).to.equal('active\n');
    expect(await ctl('list-units', '-o', 'nope')).to.include({ rc: 1, err: "Unknown output 'nope'.\n" });
    expect((await ctl('-o', 'help')).out.split('\n')).to.include('json-pretty');
    expect((await ctl('logs', '-u', 'a.target', '-o', 'cat', '-n', '1')).out).to.match(/^Started Target A\.\n$/);
  });

  it('--plain: list-dependencies as a flat list, list-units without the bullet column', async () => {
    expect(await ctl('list-dependencies', '--plain', 'default.target')).to.include({ rc: 0, out: 'default.target\n  a.target\n  b.target\n' });
    expect((await ctl('list-units', '--plain', '--legend=no', 'a.target')).out).to.equal('a.target loaded active active Target A\n');
    expect((await ctl('list-units', '--plain', 'a.target')).out.split('\n')[0]).to.match(/^UNIT +LOAD/);
  });

  it('refuses -H and -M instead of acting on the local manager', async () => {
    for (const args of [['-H', 'elsewhere', 'is-active', 'a.target'], ['--machine=box', 'stop', 'a.target']]) {
      const r = await ctl(...args);
      expect(r.rc).to.equal(1);
      expect(r.out).to.equal('');
      expect(r.err).to.match(/^unitkitctl: -[HM]\/--(host|machine) is not supported: /);
    }
    expect((await ctl('is-active', 'a.target')).out).to.equal('active\n');
  });

  it('--system run by an unprivileged user reaches for the system manager, not its own', async function () {
    if (process.getuid?.() !== 0 || !fs.existsSync('/usr/bin/setpriv')) {
      console.log('      skipped: needs root and /usr/bin/setpriv to run unitkitctl as uid 65534');
      return this.skip();
    }
    const nobody = ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-u', 'UNITKIT_RUNTIME_DIR', 'UNITKIT_CONNECT_TIMEOUT_MS=0', `XDG_RUNTIME_DIR=${dir}`];
    const r = await ctlAs(nobody, '--system', 'is-active', 'a.target');
    expect(r.rc).to.equal(1);
    expect(r.err).to.match(/^Failed to connect to \/run\/unitkit\/private: (Permission denied|No such file or directory|Connection refused)\n/);
  });

  it('pages on a terminal through $SYSTEMD_PAGER with LESS set, and not with --no-pager or for is-active', async function () {
    if (!fs.existsSync('/usr/bin/script')) {
      console.log('      skipped: util-linux script(1) is needed to give unitkitctl a terminal');
      return this.skip();
    }
    const record = path.join(dir, 'paged');
    const fake = path.join(dir, 'fake-pager');
    fs.writeFileSync(fake, `#!/bin/sh\n{ echo "LESS=$LESS"; cat; } >> ${record}\n`, { mode: 0o755 });
    const onTty = (args: string) =>
      new Promise<void>((resolve) => {
        const cmd = `${process.execPath} ${ctlBin} ${args}`;
        execFile('/usr/bin/script', ['-qec', cmd, '/dev/null'], { env: { ...env, TERM: 'xterm', SYSTEMD_PAGER: fake, SYSTEMD_PAGERSECURE: '0' } }, () => resolve());
      });
    await onTty('list-units --no-legend a.target');
    await onTty('is-active a.target');
    await onTty('--no-pager show -p Id a.target');
    expect(fs.readFileSync(record, 'utf8')).to.equal('LESS=FRSXMK\n  a.target loaded active active Target A\n');
  });

  it('logs -u shows the unit journal, -n limits it', async () => {
    const r = await ctl('logs', '-u', 'a.target');
    expect(r.rc).to.equal(0);
    expect(r.out).to.match(/unitkitd\[\d+\]: Started Target A\.\n/);
    const one = await ctl('logs', '-u', 'a.target', '-n', '1');
    expect(one.out.trim().split('\n')).to.have.length(1);
  });

  it('malformed and oversized requests get an error reply; the manager keeps answering', async () => {
    const exchange = (data: Buffer | string) =>
      new Promise<string>((resolve) => {
        const s = net.createConnection(path.join(run, 'private'));
        let got = '';
        s.on('data', (d) => (got += d));
        s.on('error', () => resolve(got));
        s.on('close', () => resolve(got));
        s.write(data, () => setTimeout(() => s.end(), 100));
      });
    const bad = JSON.parse((await exchange('{nope\n')).split('\n')[0]!);
    expect(bad).to.deep.include({ v: 1, ok: false });
    expect(bad.error.name).to.equal('InvalidArgs');
    const old = JSON.parse((await exchange('{"v":99,"id":1,"method":"hello"}\n')).split('\n')[0]!);
    expect(old.error.name).to.equal('NotSupported');
    const unknown = JSON.parse((await exchange('{"v":1,"id":2,"method":"frob"}\n')).split('\n')[0]!);
    expect(unknown.error.name).to.equal('NotSupported');
    const big = await exchange(Buffer.alloc(2 * 1024 * 1024, 'x'));
    expect(big).to.match(/LimitsExceeded/);
    expect((await ctl('is-system-running')).rc).to.equal(0);
    expect(daemonLog).to.match(/malformed request/);
  });

  it('an unprivileged client may read but not change state', async function () {
    if (process.getuid?.() !== 0 || !fs.existsSync('/usr/bin/setpriv')) {
      console.log(`      skipped: needs root and /usr/bin/setpriv to call as another user (uid ${process.getuid?.()}, setpriv ${fs.existsSync('/usr/bin/setpriv') ? 'present' : 'missing'})`);
      return this.skip();
    }
    // Let uid 65534 reach the socket at all: the mode is the first gate, credentials the second.
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(run, 0o755);
    fs.chmodSync(path.join(run, 'private'), 0o666);
    const nobody = ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
    expect(await ctlAs(nobody, 'is-active', 'a.target')).to.include({ rc: 0, out: 'active\n' });
    expect(await ctlAs(nobody, 'stop', 'a.target')).to.include({ rc: 4, err: 'Failed to stop a.target: Access denied\n' });
    expect((await ctlAs(nobody, 'daemon-reload')).rc).to.equal(1);
    expect(await ctlAs(nobody, 'set-environment', 'X=1')).to.include({ rc: 1, err: 'Failed to set environment: Access denied\n' });
    expect((await ctl('is-active', 'a.target')).rc).to.equal(0);
    fs.chmodSync(path.join(run, 'private'), 0o600);
  });

  it('SIGTERM stops every unit and exits 0', async () => {
    const exited = new Promise<number | null>((r) => daemon.on('exit', (code) => r(code)));
    daemon.kill('SIGTERM');
    expect(await exited).to.equal(0);
    expect(daemonLog).to.match(/a\.target: Stopped Target A\./);
    expect(fs.existsSync(path.join(run, 'private'))).to.equal(false);
  });
});

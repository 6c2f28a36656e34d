/**
 * The bundled examples (examples/), end to end on the whole native stack: what `npm start` runs.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { renderExampleUnits } from '@unitkit/cli';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { examplesDir } from '@unitkit/cli';
import { nativeStack, type NativeStack } from './native-stack.js';
import { freePort, talk } from './loopback.js';


function seqpacket(socketPath: string, request: string): Promise<string> {
  const py = 'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_SEQPACKET)\ns.settimeout(5)\ns.connect(sys.argv[1])\ns.send(sys.argv[2].encode())\nprint(s.recv(4096).decode(),end="")';
  return new Promise((resolve, reject) => execFile('python3', ['-c', py, socketPath, request], { encoding: 'utf8' }, (e, out) => (e ? reject(e) : resolve(out))));
}

describe('end to end: the bundled examples', function () {
  this.timeout(30000);
  let s: NativeStack;
  let ports: { echo: number; greet: number };

  beforeEach(async () => {
    ports = { echo: await freePort(), greet: await freePort() };
    s = nativeStack();
    renderExampleUnits(path.join(s.dir, 'units'), { ports });
    expect(await s.run('start', 'default.target')).to.equal('done');
  });
  afterEach(async () => s.close());

  it('echo/: the first connection starts the Node echo service; TCP and unix both answer', async () => {
    expect(s.state('echo.socket')).to.equal('active/listening');
    expect(s.state('echo.service')).to.equal('inactive/dead');
    expect(await talk(ports.echo, 'over tcp')).to.equal('over tcp');
    await s.waitFor(() => s.state('echo.service') === 'active/running');
    expect(await talk(path.join(s.dir, 'unitkit-echo.sock'), 'over unix')).to.equal('over unix');
    expect(s.prop('echo.service', 'StatusText')).to.equal('echoing on echo, echo');
    process.kill(Number(s.prop('echo.service', 'MainPID')), 'SIGKILL');
    await s.waitFor(() => s.state('echo.socket') === 'active/listening');
    expect(await talk(ports.echo, 'again')).to.equal('again');
  });

  it('echo/: the same units run the C echo daemon on libsystemd\'s sd_listen_fds() through a drop-in', async function () {
    const binary = path.join(s.dir, 'echo-server');
    try {
      execFileSync('cc', ['-O2', '-o', binary, path.join(examplesDir(), 'echo', 'echo-server.c'), '-lsystemd'], { stdio: 'pipe' });
    } catch (e) {
      console.log(`      skipped: cannot build examples/echo/echo-server.c against libsystemd: ${String((e as { stderr?: Buffer }).stderr ?? e).split('\n')[0]}`);
      return this.skip();
    }
    const dropIn = path.join(s.dir, 'units', 'echo.service.d');
    fs.mkdirSync(dropIn);
    fs.writeFileSync(path.join(dropIn, 'c.conf'), `[Service]\nExecStart=\nExecStart=${binary}\n`);
    expect(await s.run('restart', 'echo.socket')).to.equal('done');
    expect(await talk(ports.echo, 'from C\n')).to.equal('from C\n');
    await s.waitFor(() => s.state('echo.service') === 'active/running');
    expect(s.prop('echo.service', 'StatusText')).to.equal('echoing on 2 sockets (C)');
  });

  it('seqpacket-rpc/: a SOCK_SEQPACKET request starts the python RPC daemon, which answers', async () => {
    const sock = path.join(s.dir, 'unitkit-rpc.sock');
    expect(await seqpacket(sock, 'ping')).to.equal('pong');
    expect(await seqpacket(sock, 'upper shout')).to.equal('SHOUT');
    await s.waitFor(() => s.state('rpc.service') === 'active/running');
    expect(s.prop('rpc.service', 'StatusText')).to.equal('serving (socket-activated)');
  });

  it('inetd/: one greet@ instance per connection, the connection on stdin/stdout, REMOTE_ADDR set', async () => {
    const reply = await talk(ports.greet, 'tester\n');
    expect(reply).to.match(/^hello tester, from 127\.0\.0\.1:\d+\n$/);
    await talk(ports.greet, 'again\n');
    await s.waitFor(() => Number(s.prop('greet.socket', 'NAccepted')) === 2);
  });

  it('spool/: a file dropped into the spool directory is processed by spool.service, and the path unit waits again', async () => {
    const spool = path.join(s.dir, 'unitkit-spool');
    // MakeDirectory=yes made it at start.
    expect(fs.statSync(spool).isDirectory()).to.equal(true);
    expect(s.state('spool.path')).to.equal('active/waiting');
    fs.writeFileSync(path.join(spool, 'job1.txt'), 'three little words');
    await s.waitFor(() => fs.existsSync(path.join(`${spool}.done`, 'job1.txt')), 10000);
    await s.waitFor(() => s.state('spool.path') === 'active/waiting' && s.state('spool.service') === 'inactive/dead');
    expect(s.prop('spool.service', 'Result')).to.equal('success');
  });

  it('heartbeat/: the timer waits for its next elapse and starts heartbeat.service five seconds after start', async () => {
    expect(s.state('heartbeat.timer')).to.equal('active/waiting');
    expect(Number(s.prop('heartbeat.timer', 'NextElapseUSecRealtime'))).to.be.greaterThan(0);
    await s.waitFor(() => Number(s.prop('heartbeat.timer', 'LastTriggerUSecMonotonic')) > 0, 10000);
    await s.waitFor(() => s.state('heartbeat.service') === 'inactive/dead' && s.prop('heartbeat.service', 'Result') === 'success', 5000);
  });

  it('notify/: the ticker is activating until READY=1, then reports STATUS= and feeds its watchdog', async () => {
    await s.waitFor(() => s.state('ticker.service') === 'active/running');
    expect(s.prop('ticker.service', 'WatchdogUSec')).to.equal('5000000');
    await s.waitFor(() => /^[1-9]\d* ticks$/.test(s.prop('ticker.service', 'StatusText')), 5000);
  });
});

/**
 * The seed situations end to end: real unit files, the whole plugin stack on the native ports,
 * real daemons, real clients. (systemd.socket(5) + systemd.service(5), as issue 6 asks.)
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { buildCFixture, nativeStack, type NativeStack } from './native-stack.js';
import { freePort, talk } from './loopback.js';


/** One request over SOCK_SEQPACKET (Node has no such client; python3 does), without blocking our loop. */
function talkSeqpacket(socketPath: string, text: string): Promise<string> {
  const py = 'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_SEQPACKET)\ns.settimeout(5)\ns.connect(sys.argv[1])\ns.send(sys.argv[2].encode())\nprint(s.recv(4096).decode(),end="")';
  return new Promise((resolve, reject) => execFile('python3', ['-c', py, socketPath, text], { encoding: 'utf8' }, (e, out) => (e ? reject(e) : resolve(out))));
}

describe('end to end: socket activation', function () {
  this.timeout(30000);
  let s: NativeStack;
  beforeEach(() => (s = nativeStack()));
  afterEach(async () => s.close());

  it('an echo service on a unix stream socket starts on the first connection and again after being killed; the socket file stays', async () => {
    s.unit('echo.socket', '[Socket]\nListenStream={dir}/echo.sock\nSocketMode=0666\n');
    s.unit('echo.service', '[Service]\nType=notify\nExecStart={node} {fixtures}/node-echo.mjs\n');
    expect(await s.run('start', 'echo.socket')).to.equal('done');
    const sock = path.join(s.dir, 'echo.sock');
    expect((fs.statSync(sock).mode & 0o777).toString(8)).to.equal('666');
    expect(s.state('echo.service')).to.equal('inactive/dead');
    expect(await talk(sock, 'hello')).to.equal('hello');
    await s.waitFor(() => s.state('echo.service') === 'active/running');
    expect(s.state('echo.socket')).to.equal('active/running');
    expect(s.prop('echo.service', 'StatusText')).to.equal('echoing on 1 passed sockets');
    // The kill-mode plugin's scope shows through the service's properties, where systemd prints them.
    expect(s.prop('echo.service', 'Slice')).to.equal('app.slice');
    expect(Number(s.prop('echo.service', 'TasksCurrent'))).to.be.greaterThan(0);
    const names = s.manager.properties(s.manager.loadUnit('echo.service')).map(([n]) => n);
    expect(names.indexOf('Slice')).to.equal(names.indexOf('ExecStartEx') + 1);

    const pid = Number(s.prop('echo.service', 'MainPID'));
    process.kill(pid, 'SIGKILL');
    await s.waitFor(() => s.state('echo.socket') === 'active/listening');
    expect(s.state('echo.service')).to.equal('failed/failed');
    expect(await talk(sock, 'again')).to.equal('again');
    await s.waitFor(() => s.state('echo.service') === 'active/running');
    expect(Number(s.prop('echo.service', 'MainPID'))).to.not.equal(pid);

    // Stopping the socket leaves the node on disk and the service running, as systemd does.
    expect(await s.run('stop', 'echo.socket')).to.equal('done');
    expect(fs.existsSync(sock)).to.equal(true);
    expect(s.state('echo.service')).to.equal('active/running');
    expect(await s.run('stop', 'echo.service')).to.equal('done');
    expect(s.state('echo.service')).to.equal('inactive/dead');
  });

  it('the same units work with a C daemon that takes its fds with libsystemd\'s sd_listen_fds()', async function () {
    const built = buildCFixture('sd-echo', s.dir);
    if (!built.path) {
      console.log(`      skipped: ${built.skip}`);
      return this.skip();
    }
    s.unit('echo.socket', '[Socket]\nListenStream={dir}/echo.sock\n');
    s.unit('echo.service', `[Service]\nType=notify\nExecStart=${built.path}\n`);
    await s.run('start', 'echo.socket');
    expect(await talk(path.join(s.dir, 'echo.sock'), 'from C')).to.equal('from C');
    await s.waitFor(() => s.state('echo.service') === 'active/running');
    expect(s.prop('echo.service', 'StatusText')).to.equal('serving 1 fds');
  });

  it('a SOCK_SEQPACKET socket is handed to an RPC daemon that answers on it', async function () {
    const built = buildCFixture('sd-echo', s.dir);
    if (!built.path) {
      console.log(`      skipped: ${built.skip}`);
      return this.skip();
    }
    s.unit('rpc.socket', '[Socket]\nListenSequentialPacket={dir}/rpc.sock\n');
    s.unit('rpc.service', `[Service]\nType=notify\nExecStart=${built.path}\n`);
    await s.run('start', 'rpc.socket');
    expect(s.prop('rpc.socket', 'Listen')).to.contain('(SequentialPacket)');
    expect(await talkSeqpacket(path.join(s.dir, 'rpc.sock'), 'ping')).to.equal('re:ping');
    await s.waitFor(() => s.state('rpc.service') === 'active/running');
  });

  it('TCP and unix listeners in one unit: the service gets both, in file order, with their names', async () => {
    const port = await freePort();
    s.unit('both.socket', `[Socket]\nListenStream=127.0.0.1:${port}\nListenStream={dir}/both.sock\nFileDescriptorName=both\n`);
    s.unit('both.service', '[Service]\nType=notify\nExecStart={node} {fixtures}/node-echo.mjs\n');
    await s.run('start', 'both.socket');
    expect(await talk(port, 'tcp')).to.equal('tcp');
    await s.waitFor(() => s.state('both.service') === 'active/running');
    expect(await talk(path.join(s.dir, 'both.sock'), 'unix')).to.equal('unix');
    expect(s.prop('both.service', 'StatusText')).to.equal('echoing on 2 passed sockets');
  });

  it('Accept=yes starts one instance per connection with the connection on stdin/stdout', async () => {
    const port = await freePort();
    s.unit('inetd.socket', `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\n`);
    s.unit('inetd@.service', '[Service]\nExecStart=/bin/cat\nStandardInput=socket\n');
    await s.run('start', 'inetd.socket');
    expect(await talk(port, 'one')).to.equal('one');
    expect(await talk(port, 'two')).to.equal('two');
    await s.waitFor(() => Number(s.prop('inetd.socket', 'NAccepted')) === 2);
    const instances = s.manager.allUnits().map((u) => u.id).filter((id) => id.startsWith('inetd@'));
    expect(instances.length).to.be.greaterThan(0);
    expect(instances[0]).to.match(/^inetd@\d+-127\.0\.0\.1:\d+-127\.0\.0\.1:\d+\.service$/);
  });

  it('Accept=yes: a daemon-reload keeps the instances and their connections counted until they end', async () => {
    const port = await freePort();
    s.unit('hold.socket', `[Socket]\nListenStream=127.0.0.1:${port}\nAccept=yes\n`);
    s.unit('hold@.service', '[Service]\nExecStart=/bin/sh -c "read line; echo got $line; sleep 30"\nStandardInput=socket\n');
    await s.run('start', 'hold.socket');
    const client = net.connect(port, '127.0.0.1');
    await new Promise((r) => client.on('connect', r));
    await s.waitFor(() => Number(s.prop('hold.socket', 'NConnections')) === 1);
    const instance = s.manager.allUnits().find((u) => u.id.startsWith('hold@'))!;
    await s.waitFor(() => instance.activeState() === 'active');
    s.manager.reload();
    await new Promise((r) => setTimeout(r, 20));
    expect(s.state('hold.socket')).to.equal('active/listening');
    expect(Number(s.prop('hold.socket', 'NConnections'))).to.equal(1);
    // The connection survived the reload: the instance still answers on it.
    const reply = new Promise<string>((r) => client.once('data', (d) => r(String(d))));
    client.write('after reload\n');
    expect(await reply).to.equal('got after reload\n');
    await s.run('stop', instance.id);
    client.destroy();
    await s.waitFor(() => Number(s.prop('hold.socket', 'NConnections')) === 0);
  });

  it('the socket listens again while its service waits to restart by itself (auto-restart)', async () => {
    s.unit('r.socket', '[Socket]\nListenStream={dir}/r.sock\n');
    s.unit('r.service', '[Service]\nType=notify\nExecStart={node} {fixtures}/node-echo.mjs\nRestart=on-failure\nRestartSec=2s\n');
    await s.run('start', 'r.socket');
    expect(await talk(path.join(s.dir, 'r.sock'), 'one')).to.equal('one');
    await s.waitFor(() => s.state('r.service') === 'active/running');
    process.kill(Number(s.prop('r.service', 'MainPID')), 'SIGKILL');
    await s.waitFor(() => s.state('r.service') === 'activating/auto-restart');
    expect(s.state('r.socket')).to.equal('active/listening');
  });
});

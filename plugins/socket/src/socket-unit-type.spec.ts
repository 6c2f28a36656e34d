import { expect } from 'chai';
import { createTestManager, signals, type TestManager } from '@unitkit/testing';
import { formatShow, type Unit } from '@unitkit/core';
import { targetModule } from '@unitkit/plugin-target';
import { socketModule } from './socket-module.js';
import { fakeServiceModule, type FakeServiceData, type FakeServiceType } from './fake-service-type.js';
import type { SocketData } from './socket-unit-type.js';

const SEC = 1_000_000;

describe('SocketUnitType', () => {
  let t: TestManager;
  let svc: FakeServiceType;

  const make = (files: Record<string, string>, scope: 'user' | 'system' = 'user') => {
    const fake = fakeServiceModule();
    svc = fake.type;
    t = createTestManager({ modules: [socketModule, targetModule, fake.module], options: { scope } });
    for (const [name, text] of Object.entries(files)) t.units.file(name, text);
    return t;
  };
  const sock = (name = 'echo.socket') => t.unit(name) as Unit<SocketData>;
  const service = (name = 'echo.service') => t.unit(name);
  const serviceData = (name = 'echo.service') => t.unit(name).data as FakeServiceData;
  const ids = (us: Iterable<Unit>) => [...us].map((u) => u.id).sort();
  const show = (name: string, ...props: string[]) => formatShow(t.manager.properties(t.unit(name)), { properties: props });
  const traffic = (address: string) => {
    const l = t.sockets.listener(address)!;
    t.loop.fireFd(l.fd, { readable: true });
  };

  describe('loading', () => {
    it('triggers its service and is ordered before it; default dependencies of the user manager', () => {
      make({ 'echo.socket': '[Socket]\nListenStream=/run/echo.sock\n', 'echo.service': '' });
      const s = sock();
      expect(ids(s.dependencies('Triggers'))).to.deep.equal(['echo.service']);
      expect(ids(s.dependencies('Before'))).to.deep.equal(['echo.service', 'shutdown.target', 'sockets.target']);
      expect(ids(s.dependencies('Conflicts'))).to.deep.equal(['shutdown.target']);
      expect(ids(s.dependencies('Requires'))).to.deep.equal([]);
      expect(ids(service().dependencies('TriggeredBy'))).to.deep.equal(['echo.socket']);
      expect(ids(service().dependencies('After'))).to.deep.equal(['echo.socket']);
      expect(ids(service().dependencies('Requires'))).to.deep.equal([]);
      expect(s.settings.requiresMountsFor).to.deep.equal(['/run/echo.sock']);
    });

    it('requires and is ordered after sysinit.target in the system manager', () => {
      make({ 'echo.socket': '[Socket]\nListenStream=/run/echo.sock\n' }, 'system');
      expect(ids(sock().dependencies('Requires'))).to.deep.equal(['sysinit.target']);
      expect(ids(sock().dependencies('After'))).to.deep.equal(['sysinit.target']);
    });

    it('adds no default dependencies with DefaultDependencies=no, and triggers Service=', () => {
      make({ 'echo.socket': '[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=80\nService=other.service\n' });
      expect(ids(sock().dependencies('Before'))).to.deep.equal(['other.service']);
      expect(ids(sock().dependencies('Triggers'))).to.deep.equal(['other.service']);
    });

    const refused: Array<[string, string, RegExp]> = [
      ['no Listen', '[Socket]\nAccept=yes\n', /Unit has no Listen setting/],
      ['Accept=yes with a datagram socket', '[Socket]\nListenDatagram=/run/d\nAccept=yes\n', /sockets are non-accepting/],
      ['Accept=yes with a FIFO', '[Socket]\nListenFIFO=/run/f\nAccept=yes\n', /sockets are non-accepting/],
      ['Accept=yes with Service=', '[Socket]\nListenStream=/run/s\nAccept=yes\nService=x.service\n', /Explicit service configuration/],
      ['Accept=yes with MaxConnections=0', '[Socket]\nListenStream=/run/s\nAccept=yes\nMaxConnections=0\n', /MaxConnection= setting too small/],
      ['Symlinks= with two nodes', '[Socket]\nListenStream=/run/a\nListenFIFO=/run/b\nSymlinks=/run/c\n', /none or more than one node/],
      ['Symlinks= with no node', '[Socket]\nListenStream=80\nSymlinks=/run/c\n', /none or more than one node/],
    ];
    for (const [what, text, message] of refused) {
      it(`refuses ${what}`, () => {
        make({ 'echo.socket': text });
        expect(sock().loadState).to.equal('bad-setting');
        expect(sock().loadError).to.match(message);
      });
    }

    it('refuses Service= that is not a service or is a template', () => {
      make({ 'a.socket': '[Socket]\nListenStream=80\nService=foo.socket\n', 'b.socket': '[Socket]\nListenStream=81\nService=foo@.service\n' });
      expect(sock('a.socket').loadState).to.equal('bad-setting');
      expect(sock('b.socket').loadState).to.equal('bad-setting');
    });

    it('keeps Listen*= lines in file order across kinds; an empty Listen*= resets them all; bad lines are ignored', () => {
      make({
        'echo.socket': [
          '[Socket]',
          'ListenStream=/run/old',
          'ListenDatagram=',
          'ListenFIFO=/run/f.fifo',
          'ListenStream=127.0.0.1:80',
          'ListenSequentialPacket=@seq',
          'ListenDatagram=[::1]:53',
          'ListenSpecial=/dev/kmsg',
          'ListenNetlink=kobject-uevent 1',
          'ListenMessageQueue=/mq',
          'ListenStream=2000',
          'ListenStream=not an address',
          'ListenSequentialPacket=127.0.0.1:5',
        ].join('\n'),
      });
      expect(show('echo.socket', 'Listen')).to.deep.equal([
        'Listen=/run/f.fifo (FIFO)',
        'Listen=127.0.0.1:80 (Stream)',
        'Listen=@seq (SequentialPacket)',
        'Listen=[::1]:53 (Datagram)',
        'Listen=/dev/kmsg (Special)',
        'Listen=kobject-uevent 1 (Netlink)',
        'Listen=/mq (MessageQueue)',
        'Listen=[::]:2000 (Stream)',
      ]);
    });
  });

  describe('Accept=no', () => {
    const files = {
      'echo.socket': '[Socket]\nListenStream=/run/echo.sock\nListenStream=127.0.0.1:7\nListenFIFO=/run/echo.fifo\nFileDescriptorName=echo\nSocketMode=0600\nBacklog=12\n',
      'echo.service': '',
    };

    it('opens every listener in file order with its options, listens and watches each fd', () => {
      make(files);
      const j = t.start('echo.socket');
      expect(t.resultOf(j)).to.equal('done');
      expect(t.state('echo.socket')).to.equal('active/listening');
      expect(t.sockets.listeners.map((l) => [l.kind, l.address])).to.deep.equal([
        ['stream', '/run/echo.sock'],
        ['stream', '127.0.0.1:7'],
        ['fifo', '/run/echo.fifo'],
      ]);
      expect(t.sockets.listeners[0]!.options).to.include({ socketMode: 0o600, directoryMode: 0o755, backlog: 12 });
      for (const l of t.sockets.listeners) expect(t.loop.watchOf(l.fd)?.disposed).to.equal(false);
      expect(t.state('echo.service')).to.equal('inactive/dead');
    });

    it('starts the service on traffic with every fd, runs while it runs, listens again when it dies', () => {
      make(files);
      t.start('echo.socket');
      traffic('127.0.0.1:7');
      expect(t.state('echo.service')).to.equal('active/running');
      expect(t.state('echo.socket')).to.equal('active/running');
      expect(serviceData().fds).to.deep.equal(t.sockets.listeners.map((l) => ({ fd: l.fd, name: 'echo' })));
      // While the service runs, the fds are its business: not watched.
      for (const l of t.sockets.listeners) expect(t.loop.watchOf(l.fd)).to.equal(undefined);

      svc.die(service());
      t.run();
      expect(t.state('echo.socket')).to.equal('active/listening');
      for (const l of t.sockets.listeners) expect(t.loop.watchOf(l.fd)?.disposed).to.equal(false);

      // The next connection starts it again.
      traffic('/run/echo.sock');
      expect(t.state('echo.service')).to.equal('active/running');
      expect(serviceData().starts).to.equal(2);
      expect(t.sockets.openFds()).to.have.length(3);
    });

    it('goes back to listening when the service is stopped', () => {
      make(files);
      t.start('echo.socket');
      traffic('/run/echo.sock');
      t.stop('echo.service');
      expect(t.state('echo.service')).to.equal('inactive/dead');
      expect(t.state('echo.socket')).to.equal('active/listening');
    });

    it('fails with service-start-limit-hit when the service keeps failing', () => {
      make(files);
      serviceData().failOnStart = true;
      t.start('echo.socket');
      for (let i = 0; i < 5; i++) {
        traffic('/run/echo.sock');
        expect(t.state('echo.socket'), `round ${i}`).to.equal('active/listening');
      }
      traffic('/run/echo.sock');
      expect(service().startLimitHit).to.equal(true);
      expect(t.state('echo.socket')).to.equal('failed/failed');
      expect(show('echo.socket', 'Result')).to.deep.equal(['Result=service-start-limit-hit']);
      expect(t.sockets.openFds()).to.deep.equal([]);
    });

    it('refuses to start while its service runs (systemd: "Socket service … already active")', () => {
      make(files);
      t.start('echo.service');
      const j = t.start('echo.socket');
      expect(t.resultOf(j)).to.equal('failed');
      expect(t.state('echo.socket')).to.equal('inactive/dead');
      expect(t.logger.find(/Socket service echo.service already active, refusing/)).to.not.equal(undefined);
    });

    it('is started first when a service that requires it starts directly', () => {
      make({ ...files, 'echo.service': '[Unit]\nRequires=echo.socket\n' });
      t.start('echo.service');
      expect(t.state('echo.socket')).to.equal('active/running');
      expect(serviceData().fds).to.have.length(3);
    });

    it('hits the trigger limit (20 in 2 s by default) and fails with trigger-limit-hit', () => {
      make({ ...files, 'echo.service': '[Unit]\nStartLimitIntervalSec=0\n' });
      t.start('echo.socket');
      for (let i = 0; i < 20; i++) {
        traffic('/run/echo.sock');
        svc.die(service(), true);
        t.run();
      }
      expect(t.state('echo.socket')).to.equal('active/listening');
      traffic('/run/echo.sock');
      expect(t.state('echo.socket')).to.equal('failed/failed');
      expect(show('echo.socket', 'Result')).to.deep.equal(['Result=trigger-limit-hit']);
      expect(t.logger.find(/Trigger limit hit, refusing further activation/)).to.not.equal(undefined);
    });

    it('pauses, not fails, when the poll limit is hit, and watches again after the interval', () => {
      make({ 'echo.socket': '[Socket]\nListenStream=/run/echo.sock\nPollLimitBurst=2\nPollLimitIntervalSec=1s\nTriggerLimitBurst=100\n', 'echo.service': '' });
      t.start('echo.socket');
      const fd = t.sockets.listener('/run/echo.sock')!.fd;
      for (let i = 0; i < 2; i++) {
        t.loop.fireFd(fd, { readable: true });
        svc.die(service(), true);
        t.run();
      }
      t.loop.fireFd(fd, { readable: true });
      expect(t.state('echo.socket')).to.equal('active/listening');
      expect(t.loop.watchOf(fd)).to.equal(undefined);
      t.loop.advance(1 * SEC);
      expect(t.loop.watchOf(fd)?.disposed).to.equal(false);
    });

    it('flushes queued data before listening again with FlushPending=yes', () => {
      make({ 'echo.socket': '[Socket]\nListenDatagram=/run/d\nFlushPending=yes\n', 'echo.service': '' });
      t.start('echo.socket');
      const fd = t.sockets.listener('/run/d')!.fd;
      expect(t.sockets.flushed).to.deep.equal([fd]);
      traffic('/run/d');
      svc.die(service(), true);
      t.run();
      expect(t.sockets.flushed).to.deep.equal([fd, fd]);
    });

    it('fails with resources when a listener cannot be opened, closing what it opened', () => {
      make(files);
      t.sockets.failOpen('127.0.0.1:7', 'EADDRINUSE');
      const j = t.start('echo.socket');
      expect(t.resultOf(j)).to.equal('failed');
      expect(t.state('echo.socket')).to.equal('failed/failed');
      expect(show('echo.socket', 'Result')).to.deep.equal(['Result=resources']);
      expect(t.sockets.openFds()).to.deep.equal([]);
      expect(t.logger.find(/Failed to listen on sockets: 127.0.0.1:7/)).to.not.equal(undefined);
    });

    it('fails with resources on a hang-up of a listening fd', () => {
      make(files);
      t.start('echo.socket');
      const fd = t.sockets.listener('/run/echo.sock')!.fd;
      t.loop.fireFd(fd, { hangup: true });
      expect(t.state('echo.socket')).to.equal('failed/failed');
      expect(t.logger.find(/Got POLLHUP on a listening socket/)).to.not.equal(undefined);
    });

    it('closes its fds on stop and leaves the nodes; RemoveOnStop=yes removes nodes and symlinks', () => {
      make(files);
      t.start('echo.socket');
      t.stop('echo.socket');
      expect(t.state('echo.socket')).to.equal('inactive/dead');
      expect(t.sockets.openFds()).to.deep.equal([]);
      expect(t.sockets.unlinked).to.deep.equal([]);

      make({ 'r.socket': '[Socket]\nListenStream=/run/r.sock\nListenStream=80\nRemoveOnStop=yes\nSymlinks=/run/link1 /run/link2\n', 'r.service': '' });
      t.start('r.socket');
      expect(t.sockets.symlinks).to.deep.equal([
        { target: '/run/r.sock', path: '/run/link1' },
        { target: '/run/r.sock', path: '/run/link2' },
      ]);
      t.stop('r.socket');
      expect(t.sockets.unlinked).to.deep.equal(['/run/r.sock', '/run/link1', '/run/link2']);
    });

    it('suppresses traffic while a stop job is pending', () => {
      make({ ...files, 'echo.service': '' });
      t.start('echo.socket');
      // A stop job waits behind a running start of the service (ordered after it).
      svc.slowStop = true;
      traffic('/run/echo.sock');
      t.stop('echo.service');
      expect(t.state('echo.service')).to.equal('deactivating/stopping');
      svc.stopped(service());
      t.run();
      expect(t.state('echo.socket')).to.equal('active/listening');
    });
  });

  describe('Accept=yes', () => {
    const files = { 'echo.socket': '[Socket]\nListenStream=127.0.0.1:7\nAccept=yes\nMaxConnections=2\n', 'echo@.service': '' };

    it('starts one instance per connection, named as systemd names them, and hands it the connection', () => {
      make(files);
      t.start('echo.socket');
      t.sockets.connect('127.0.0.1:7', { remote: '127.0.0.1:40000', local: '127.0.0.1:7', family: 'inet' });
      traffic('127.0.0.1:7');
      const name = 'echo@0-127.0.0.1:7-127.0.0.1:40000.service';
      expect(t.state(name)).to.equal('active/running');
      expect(t.state('echo.socket')).to.equal('active/listening');
      const inst = t.unit(name);
      expect((inst.data as FakeServiceData).connection).to.equal(t.sockets.connections[0]!.fd);
      expect(ids(sock().dependencies('Triggers'))).to.deep.equal([name]);
      expect(show('echo.socket', 'NAccepted', 'NConnections', 'NRefused')).to.deep.equal(['NConnections=1', 'NAccepted=1', 'NRefused=0']);
      expect(sock().data.connections.get(inst)?.remote).to.equal('127.0.0.1:40000');

      t.sockets.connect('127.0.0.1:7', { remote: '[::1]:5', local: '[::1]:7', family: 'inet6' });
      traffic('127.0.0.1:7');
      expect(t.state('echo@1-::1:7-::1:5.service')).to.equal('active/running');

      svc.die(inst, true);
      t.run();
      expect(show('echo.socket', 'NAccepted', 'NConnections')).to.deep.equal(['NConnections=1', 'NAccepted=2']);
    });

    it('names AF_UNIX instances by peer pid and uid', () => {
      make({ 'echo.socket': '[Socket]\nListenSequentialPacket=/run/rpc\nAccept=yes\n', 'echo@.service': '' });
      t.start('echo.socket');
      t.sockets.connect('/run/rpc', { remote: '', local: '/run/rpc', family: 'unix', peer: { pid: 4242, uid: 1000, gid: 1000 } });
      t.sockets.connect('/run/rpc', { remote: '', local: '/run/rpc', family: 'unix' });
      traffic('/run/rpc');
      traffic('/run/rpc');
      expect(t.state('echo@0-4242-1000.service')).to.equal('active/running');
      expect(t.state('echo@1-unknown.service')).to.equal('active/running');
    });

    it('refuses connections over MaxConnections= and MaxConnectionsPerSource=', () => {
      make({ 'echo.socket': '[Socket]\nListenStream=7\nAccept=yes\nMaxConnections=2\nMaxConnectionsPerSource=1\n', 'echo@.service': '' });
      t.start('echo.socket');
      const conn = (remote: string) => {
        t.sockets.connect('7', { remote, local: '[::ffff:10.0.0.1]:7', family: 'inet6' });
        traffic('7');
      };
      conn('[::ffff:10.0.0.2]:1000');
      expect(t.state('echo@0-10.0.0.1:7-10.0.0.2:1000.service')).to.equal('active/running');
      conn('[::ffff:10.0.0.2]:1001');
      conn('[::ffff:10.0.0.3]:1000');
      conn('[::ffff:10.0.0.4]:1000');
      expect(show('echo.socket', 'NAccepted', 'NConnections', 'NRefused')).to.deep.equal(['NConnections=2', 'NAccepted=2', 'NRefused=2']);
      // The refused connections were closed.
      expect(t.sockets.connections.filter((c) => c.closed)).to.have.length(2);
      expect(t.logger.find(/Too many incoming connections \(1\) from source 10.0.0.2, dropping connection/)).to.not.equal(undefined);
      expect(t.logger.find(/Too many incoming connections \(2\), dropping connection/)).to.not.equal(undefined);
    });

    it('defaults to a trigger limit of 200 per 2 s', () => {
      make(files);
      expect(show('echo.socket', 'TriggerLimitIntervalUSec', 'TriggerLimitBurst')).to.deep.equal(['TriggerLimitIntervalUSec=2s', 'TriggerLimitBurst=200']);
    });

    it('fails with resources when the template does not exist', () => {
      make({ 'echo.socket': '[Socket]\nListenStream=7\nAccept=yes\n' });
      t.start('echo.socket');
      t.sockets.connect('7');
      traffic('7');
      expect(t.state('echo.socket')).to.equal('failed/failed');
      expect(t.sockets.openFds()).to.deep.equal([]);
    });
  });

  describe('Exec*= commands', () => {
    const files = {
      'echo.socket': [
        '[Socket]',
        'ListenStream=/run/e',
        'ExecStartPre=/bin/pre1 a',
        'ExecStartPre=-/bin/pre2',
        'ExecStartPost=/bin/post',
        'ExecStopPre=/bin/stoppre',
        'ExecStopPost=/bin/stoppost',
        'TimeoutSec=5s',
      ].join('\n'),
      'echo.service': '',
    };

    it('runs each phase in order: start-pre (no fds yet), start-post (fds open), stop-pre, stop-post', () => {
      make(files);
      const j = t.start('echo.socket');
      expect(t.state('echo.socket')).to.equal('activating/start-pre');
      expect(t.spawner.last().spec!.argv).to.deep.equal(['/bin/pre1', 'a']);
      expect(t.sockets.listeners).to.have.length(0);
      t.spawner.last().exit(0);
      expect(t.spawner.last().spec!.path).to.equal('/bin/pre2');
      t.spawner.last().exit(1); // "-": failure ignored
      expect(t.state('echo.socket')).to.equal('activating/start-post');
      expect(t.sockets.openFds()).to.have.length(1);
      expect(show('echo.socket', 'ControlPID')).to.deep.equal([`ControlPID=${t.spawner.last().pid}`]);
      t.spawner.last().exit(0);
      expect(t.resultOf(j)).to.equal('done');
      expect(t.state('echo.socket')).to.equal('active/listening');
      expect(show('echo.socket', 'ControlPID')).to.deep.equal(['ControlPID=0']);

      t.stop('echo.socket');
      expect(t.state('echo.socket')).to.equal('deactivating/stop-pre');
      expect(t.spawner.last().spec!.path).to.equal('/bin/stoppre');
      t.spawner.last().exit(0);
      expect(t.state('echo.socket')).to.equal('deactivating/stop-post');
      expect(t.sockets.openFds()).to.deep.equal([]);
      t.spawner.last().exit(0);
      expect(t.state('echo.socket')).to.equal('inactive/dead');
      expect(show('echo.socket', 'ExecStartPre')[0]).to.match(
        /^ExecStartPre=\{ path=\/bin\/pre1 ; argv\[\]=\/bin\/pre1 a ; ignore_errors=no ; start_time=\[.+ UTC\] ; stop_time=\[.+ UTC\] ; pid=\d+ ; code=exited ; status=0 \}$/,
      );
    });

    it('a failing ExecStartPre= ends in failed with exit-code, through final-sigterm', () => {
      make(files);
      const j = t.start('echo.socket');
      t.spawner.last().exit(3);
      expect(t.resultOf(j)).to.equal('failed');
      expect(t.state('echo.socket')).to.equal('failed/failed');
      expect(show('echo.socket', 'Result')).to.deep.equal(['Result=exit-code']);
      expect(t.sockets.listeners).to.have.length(0);
    });

    it('an ExecStartPre= killed by SIGTERM is a failure (result signal): no signal is clean for a command', () => {
      make(files);
      const j = t.start('echo.socket');
      t.spawner.last().kill(signals.SIGTERM);
      t.run();
      expect(t.resultOf(j)).to.equal('failed');
      expect(show('echo.socket', 'Result')).to.deep.equal(['Result=signal']);
      expect(t.logger.find(/Control process exited, code=killed, status=15\/TERM/)).to.not.equal(undefined);
    });

    it('a failing ExecStartPost= stops the socket (stop-pre, stop-post) with the failure', () => {
      make(files);
      t.start('echo.socket');
      t.spawner.last().exit(0);
      t.spawner.last().exit(0);
      t.spawner.last().kill(signals.SIGSEGV, { dumped: true });
      expect(t.state('echo.socket')).to.equal('deactivating/stop-pre');
      t.spawner.last().exit(0);
      t.spawner.last().exit(0);
      expect(t.state('echo.socket')).to.equal('failed/failed');
      expect(show('echo.socket', 'Result')).to.deep.equal(['Result=core-dump']);
    });

    it('times out and escalates: SIGTERM, SIGKILL, then gives up', () => {
      make(files);
      t.start('echo.socket');
      const pre = t.spawner.last().ignore(signals.SIGTERM, signals.SIGKILL);
      t.loop.advance(5 * SEC);
      expect(t.logger.find(/Starting timed out. Terminating./)).to.not.equal(undefined);
      expect(t.state('echo.socket')).to.equal('deactivating/final-sigterm');
      t.loop.advance(5 * SEC);
      expect(t.state('echo.socket')).to.equal('deactivating/final-sigkill');
      t.loop.advance(5 * SEC);
      expect(t.state('echo.socket')).to.equal('failed/failed');
      expect(t.spawner.signalsTo(pre.pid)).to.include.members([signals.SIGTERM, signals.SIGKILL]);
      expect(show('echo.socket', 'Result')).to.deep.equal(['Result=timeout']);
    });

    it('a stop while start-pre runs kills it first (stop-pre-sigterm) and then stops', () => {
      make(files);
      t.start('echo.socket');
      const stop = t.stop('echo.socket');
      t.run();
      expect(t.state('echo.socket')).to.not.equal('activating/start-pre');
      t.loop.advance(20 * SEC);
      t.loop.advance(20 * SEC);
      expect(t.resultOf(stop)).to.equal('done');
      expect(['inactive/dead', 'failed/failed']).to.include(t.state('echo.socket'));
    });

    it('runs control commands with the [Socket] exec context (Environment=, $VAR expansion)', () => {
      make({ 'echo.socket': '[Socket]\nListenStream=/run/e\nEnvironment=GREETING=hi\nExecStartPre=/bin/echo $GREETING\n', 'echo.service': '' });
      t.start('echo.socket');
      const spec = t.spawner.last().spec!;
      expect(spec.argv).to.deep.equal(['/bin/echo', 'hi']);
      expect(spec.env).to.include('GREETING=hi');
      expect(t.scopes.scope(t.unit('echo.socket')).added).to.deep.equal([t.spawner.last().pid]);
    });

    it('fails with resources when the control process cannot be spawned', () => {
      make(files);
      t.spawner.failNextSpawn('EAGAIN');
      t.start('echo.socket');
      expect(t.state('echo.socket')).to.equal('failed/failed');
      expect(show('echo.socket', 'Result')).to.deep.equal(['Result=resources']);
    });
  });

  describe('show', () => {
    it('prints the socket properties in systemd 252 order with its defaults', () => {
      make({ 'x.socket': '[Socket]\nListenStream=/tmp/x.sock\nListenDatagram=127.0.0.1:17002\n' });
      const lines = formatShow(t.manager.properties(t.unit('x.socket')));
      const upTo = lines.slice(0, lines.indexOf('TriggerLimitBurst=20') + 1);
      expect(upTo).to.deep.equal([
        'BindIPv6Only=default', 'Backlog=2147483647', 'TimeoutUSec=1min 30s', 'SocketMode=0666', 'DirectoryMode=0755',
        'Accept=no', 'FlushPending=no', 'Writable=no', 'KeepAlive=no', 'KeepAliveTimeUSec=0', 'KeepAliveIntervalUSec=0',
        'KeepAliveProbes=0', 'DeferAcceptUSec=0', 'NoDelay=no', 'Priority=-1', 'ReceiveBuffer=0', 'SendBuffer=0', 'IPTOS=-1',
        'IPTTL=-1', 'PipeSize=0', 'FreeBind=no', 'Transparent=no', 'Broadcast=no', 'PassCredentials=no', 'PassSecurity=no',
        'PassPacketInfo=no', 'Timestamping=off', 'RemoveOnStop=no', 'Listen=/tmp/x.sock (Stream)', 'Listen=127.0.0.1:17002 (Datagram)',
        'Mark=-1', 'MaxConnections=64', 'MaxConnectionsPerSource=0', 'MessageQueueMaxMessages=0', 'MessageQueueMessageSize=0',
        'ReusePort=no', 'ControlPID=0', 'Result=success', 'NConnections=0', 'NAccepted=0', 'NRefused=0', 'FileDescriptorName=x.socket',
        'SocketProtocol=0', 'TriggerLimitIntervalUSec=2s', 'TriggerLimitBurst=20',
      ]);
      expect(show('x.socket', 'Triggers', 'RequiresMountsFor')).to.deep.equal(['Triggers=x.service', 'RequiresMountsFor=/tmp/x.sock']);
      expect(show('x.socket', 'UID', 'GID')).to.deep.equal(['UID=[not set]', 'GID=[not set]']);
      // UID/GID print without -p too, then the exec and kill contexts, as for a service.
      const after = lines.slice(lines.indexOf('TriggerLimitBurst=20') + 1);
      expect(after.slice(0, 2)).to.deep.equal(['UID=[not set]', 'GID=[not set]']);
      expect(after).to.include.members(['UMask=0022', 'StandardInput=null', 'KillMode=control-group', 'WatchdogSignal=6']);
      expect(after.indexOf('UMask=0022')).to.be.below(after.indexOf('KillMode=control-group'));
    });

    it('prints the exec commands that never ran as systemd does', () => {
      make({ 'x.socket': '[Socket]\nListenStream=/tmp/x.sock\nExecStopPost=-/bin/echo b\n' });
      expect(show('x.socket', 'ExecStopPost')).to.deep.equal([
        'ExecStopPost={ path=/bin/echo ; argv[]=/bin/echo b ; ignore_errors=yes ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }',
      ]);
    });
  });

  describe('state across daemon-reload', () => {
    it('keeps its fds and its state, and watches again', () => {
      make({ 'echo.socket': '[Socket]\nListenStream=/run/echo.sock\n', 'echo.service': '' });
      t.start('echo.socket');
      const fd = t.sockets.listener('/run/echo.sock')!.fd;
      t.manager.reload();
      t.run();
      expect(t.state('echo.socket')).to.equal('active/listening');
      expect(sock().data.fds).to.deep.equal([fd]);
      expect(t.sockets.listeners).to.have.length(1);
      traffic('/run/echo.sock');
      expect(t.state('echo.service')).to.equal('active/running');
    });
  });

  it('start-limit-hit after too many starts', () => {
    make({ 'echo.socket': '[Unit]\nStartLimitBurst=2\n[Socket]\nListenStream=/run/s\n' });
    for (let i = 0; i < 2; i++) {
      t.start('echo.socket');
      t.stop('echo.socket');
    }
    const j = t.start('echo.socket');
    expect(t.resultOf(j)).to.equal('failed');
    expect(t.state('echo.socket')).to.equal('failed/failed');
    expect(show('echo.socket', 'Result')).to.deep.equal(['Result=start-limit-hit']);
  });

  // socket_test_start_limit() enters dead with start-limit-hit, but the first failure wins.
  it('keeps an earlier failure as the result when the start limit refuses a start', () => {
    make({ 'echo.socket': '[Unit]\nStartLimitBurst=2\n[Socket]\nListenStream=/run/s\nExecStartPre=/bin/false\n', 'echo.service': '' });
    for (let i = 0; i < 2; i++) {
      t.start('echo.socket');
      t.spawner.last().exit(1);
      expect(t.state('echo.socket')).to.equal('failed/failed');
    }
    const j = t.start('echo.socket');
    expect(t.resultOf(j)).to.equal('failed');
    expect(t.unit('echo.socket').startLimitHit).to.equal(true);
    expect(show('echo.socket', 'Result')).to.deep.equal(['Result=exit-code']);
  });

  it('a hook that throws fails the socket with result resources and closes its fds (enterFailedState)', () => {
    make({ 'echo.socket': '[Socket]\nListenStream=/run/echo.sock\n', 'echo.service': '' });
    t.start('echo.socket');
    const type = sock().type as unknown as { fdEvent: (...args: unknown[]) => void };
    const original = type.fdEvent;
    type.fdEvent = () => {
      throw new Error('broken fdEvent');
    };
    try {
      traffic('/run/echo.sock');
    } finally {
      type.fdEvent = original;
    }
    expect(t.state('echo.socket')).to.equal('failed/failed');
    expect(show('echo.socket', 'Result')).to.deep.equal(['Result=resources']);
    expect(t.sockets.listeners.every((l) => l.closed)).to.equal(true);
    expect(t.logger.find(/echo\.socket: Unit type hook fdEvent\(\) failed: Error: broken fdEvent/)?.level).to.equal('crit');
  });
});

/**
 * sd_notify from processes that exit right after sending, on the whole native stack: a child of the
 * main process under NotifyAccess=all (attributed through /proc/PID/cgroup or the process-group
 * bookkeeping while it is a zombie, as systemd attributes it by its cgroup), and a main process that
 * says READY=1 and exits at once (the datagram is read before the exit is reaped: notify goes
 * before SIGCHLD, as systemd's event priorities). The manager's loop is held busy after the start
 * so that, deterministically, the sender has exited by the time its datagram is read.
 */
import { expect } from 'chai';
import { nativeStack, type NativeStack } from './native-stack.js';

/** Blocks this process (and so the manager's loop) for `ms`: the senders exit meanwhile. */
function holdLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A python one-liner that sends `text` to $NOTIFY_SOCKET (path or @abstract). */
const sendPy = (text: string) =>
  `import os,socket; a=os.environ["NOTIFY_SOCKET"]; a="\\\\0"+a[1:] if a[0]=="@" else a; s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.sendto(b"${text}",a)`;

for (const backend of ['auto', 'process-group'] as const) {
  describe(`end to end: notify from short-lived processes (${backend === 'auto' ? 'cgroup where writable' : 'process-group fallback'})`, function () {
    this.timeout(30000);
    let s: NativeStack;
    beforeEach(() => (s = nativeStack({ backend })));
    afterEach(async () => s.close());

    it('NotifyAccess=all: READY=1 from a child of the main process that exits at once completes the start', async () => {
      // The child is never waited for: it stays a zombie of the main process while we read its datagram.
      const py = `import os,time\\nif os.fork()==0:\\n ${sendPy('READY=1')}; os._exit(0)\\ntime.sleep(30)`;
      s.unit('kid.service', `[Unit]\nDefaultDependencies=no\n[Service]\nType=notify\nNotifyAccess=all\nTimeoutStartSec=10\nExecStart=/usr/bin/python3 -c '${py}'\n`);
      s.manager.reload();
      const job = s.manager.addJob('start', 'kid.service', 'replace', { manual: true });
      await s.waitFor(() => s.state('kid.service') === 'activating/start', 10000);
      holdLoop(600);
      expect(await job.wait()).to.equal('done');
      expect(s.state('kid.service')).to.equal('active/running');
      expect(s.logger.find(/Cannot find unit for notify message/)).to.equal(undefined);
    });

    it('READY=1 from a main process that exits right after: read before the exit, so the start succeeds', async () => {
      s.unit('once.service', `[Unit]\nDefaultDependencies=no\n[Service]\nType=notify\nRemainAfterExit=yes\nTimeoutStartSec=10\nExecStart=/usr/bin/python3 -c '${sendPy('READY=1')}'\n`);
      s.manager.reload();
      const job = s.manager.addJob('start', 'once.service', 'replace', { manual: true });
      await s.waitFor(() => s.state('once.service') === 'activating/start', 10000);
      holdLoop(600);
      expect(await job.wait()).to.equal('done');
      await s.waitFor(() => s.state('once.service') === 'active/exited');
      expect(s.prop('once.service', 'Result')).to.equal('success');
    });
  });
}

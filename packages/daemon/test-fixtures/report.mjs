// A service for the tests: reports what @unitkit/daemon sees as JSON on stdout, then acts as asked.
//   node report.mjs fds          -> {"fds":[...],"kinds":{...}}
//   node report.mjs notify TEXT  -> sends TEXT (with fd 3 if passed) and exits
//   node report.mjs echo         -> listen() on the passed socket or port 0, READY=1, echo one line
import * as daemon from '../dist/index.js';

const mode = process.argv[2];
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

if (mode === 'fds') {
  const fds = daemon.listenFdsWithNames({ unsetEnvironment: true });
  const kinds = {};
  for (const { fd } of fds) {
    kinds[fd] = {
      socket: daemon.isSocket(fd),
      streamListening: daemon.isSocket(fd, 0, 'stream', 1),
      inet: daemon.isSocketInet(fd),
      unix: daemon.isSocketUnix(fd),
      seqpacket: daemon.isSocket(fd, 'unix', 'seqpacket', true),
      fifo: daemon.isFifo(fd),
      special: daemon.isSpecial(fd),
      mq: daemon.isMq(fd),
    };
  }
  out({ fds, kinds, envLeft: process.env.LISTEN_PID !== undefined, watchdog: daemon.watchdogEnabled() });
} else if (mode === 'notify') {
  const passed = daemon.listenFds();
  const sent = daemon.notify(process.argv[3].replace(/\\n/g, '\n'), { fds: passed > 0 ? [3] : [] });
  out({ sent });
} else if (mode === 'echo') {
  const { server, activated } = await daemon.listen({
    fallback: { port: 0, host: '127.0.0.1' },
    onConnection: (s) => s.on('data', (d) => s.end(d)),
  });
  daemon.notifyReady(activated ? 'activated' : 'bound itself');
  out({ activated, address: server.address() });
}

// A socket-activated echo service in plain Node: the listening socket arrives as fd 3
// (LISTEN_FDS=1, LISTEN_PID=our pid, as sd_listen_fds(3) describes); every line is sent back.
import * as net from 'node:net';

const fds = process.env.LISTEN_PID === String(process.pid) ? Number(process.env.LISTEN_FDS ?? 0) : 0;
if (fds < 1) {
  console.error('echo-service: no socket passed (start it through echo.socket)');
  process.exit(1);
}
const server = net.createServer((conn) => {
  console.log(`connection from ${conn.remoteAddress}:${conn.remotePort}`);
  conn.pipe(conn);
});
server.listen({ fd: 3 }, () => console.log('echo-service: listening on the socket passed as fd 3'));

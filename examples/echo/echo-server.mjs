// The socket-activated echo service, in Node on @unitkit/daemon. Started by its first
// connection, it serves every stream socket the manager passed (TCP and unix here); started by
// hand without sockets it binds 127.0.0.1:7777 itself.
import * as net from 'node:net';
import { isSocket, listenFdsWithNames, notifyReady } from '@unitkit/daemon';

const echo = (socket) => socket.on('data', (d) => socket.write(d)).on('error', () => {});
const passed = listenFdsWithNames({ unsetEnvironment: true }).filter(({ fd }) => isSocket(fd, 0, 'stream', 1));
for (const { fd } of passed) net.createServer(echo).listen({ fd });
if (passed.length === 0) net.createServer(echo).listen(7777, '127.0.0.1');
notifyReady(passed.length > 0 ? `echoing on ${passed.map((p) => p.name).join(', ')}` : 'echoing on 127.0.0.1:7777 (not socket-activated)');

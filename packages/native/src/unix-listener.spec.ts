import { expect } from 'chai';
import { join } from 'node:path';
import { closeFd, connectUnixStream, dupFd, getCloexec, peerCredentials } from './fd-ops.js';
import { NativeEventLoop } from './native-event-loop.js';
import { getResourceLimit, setResourceLimit } from './process-ops.js';
import { scratch, sleep } from './spec-helpers.js';
import { UnixListener } from './unix-listener.js';

async function until(what: string, test: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !test(); i++) await sleep(10);
  expect(test(), what).to.equal(true);
}

describe('UnixListener', () => {
  const loop = new NativeEventLoop({ subreaper: false });

  it('accepts every queued client, close-on-exec, and serves an adopted listener the same', async () => {
    const path = join(scratch, 'l.sock');
    const accepted: number[] = [];
    const first = new UnixListener({ path, loop, onConnection: (fd) => accepted.push(fd) });
    const clients = Array.from({ length: 100 }, () => connectUnixStream(path));
    await until('all 100 accepted (64 a wake-up)', () => accepted.length === 100);
    expect(peerCredentials(accepted[0]!).pid).to.equal(process.pid);
    expect(getCloexec(accepted[0]!)).to.equal(true);
    // A re-exec's listener: the same socket, served by a second listener.
    const adopted = new UnixListener({ path, loop, fd: dupFd(first.fd), onConnection: (fd) => accepted.push(fd) });
    first.close();
    clients.push(connectUnixStream(path));
    await until('the adopted listener accepts', () => accepted.length === 101);
    adopted.close();
    for (const fd of [...clients, ...accepted]) closeFd(fd);
  });

  it('pauses after accept() runs out of fds instead of spinning, and accepts the client afterwards', async () => {
    const path = join(scratch, 'emfile.sock');
    const accepted: number[] = [];
    const errors: string[] = [];
    const listener = new UnixListener({ path, loop, onConnection: (fd) => accepted.push(fd), onAcceptError: (e) => errors.push(String((e as NodeJS.ErrnoException).code)) });
    const limit = getResourceLimit('NOFILE');
    // The lowest free fd becomes the limit: the next accept() finds no fd to give.
    const probe = dupFd(0, 3);
    closeFd(probe);
    const client = connectUnixStream(path);
    setResourceLimit('NOFILE', probe + 1, limit.hard);
    try {
      await until('accept() failed', () => errors.length > 0);
      await sleep(30);
    } finally {
      setResourceLimit('NOFILE', limit.soft, limit.hard);
    }
    // One failure, then the pause: not one failure per turn of the loop.
    expect(errors).to.deep.equal(['EMFILE']);
    await until('accepted once fds are there again', () => accepted.length === 1);
    listener.close();
    closeFd(client);
    closeFd(accepted[0]!);
  });
});

/**
 * @unitkit/daemon — the sd-daemon protocols for services written in Node: the counterpart of
 * libsystemd's sd-daemon, working under unitkitd and under real systemd alike.
 */
export * from './listen-fds.js';
export * from './socket-checks.js';
export * from './notify.js';
export * from './watchdog.js';
export * from './listen.js';

/**
 * @unitkit/native — the syscalls a service manager needs (a C node-api addon built by node-gyp at
 * install time) and the production implementations of core's ports on top of them.
 */
export { NativeEventLoop, type NativeEventLoopOptions, type NativeFdEvents } from './native-event-loop.js';
export { FdStream, type FdStreamHandlers } from './fd-stream.js';
export { UnixListener, type UnixListenerOptions } from './unix-listener.js';
export {
  NativeProcessSpawner,
  toSpawnPlan,
  type NativeProcessSpawnerOptions,
  type NativeSpawnedProcess,
} from './native-process-spawner.js';
export { NativeNotifyReceiver, type NativeNotifyReceiverOptions } from './native-notify-receiver.js';
export {
  openSocket,
  openNetlink,
  openFifo,
  openSpecial,
  openMessageQueue,
  applySocketOptions,
  netlinkFamilies,
  type SocketType,
  type SocketOptions,
  type BindIPv6Only,
  type FifoOptions,
  type MessageQueueOptions,
} from './sockets.js';
export { parseSocketAddress, formatSocketAddress, ipv6Supported, type SocketAddress } from './socket-address.js';
export * from './fd-ops.js';
export * from './process-ops.js';
export { watchSignal, sigrtmin, killAllProcesses } from './signal-watch.js';
export { execInPlace } from './exec-in-place.js';
export { addonPath, launcherPath, type AddressInfo, type SocketInfo, type OpenedSocket, type ErrnoError, type CapturedRun } from './addon.js';
export { NativeFdOperations } from './native-fd-operations.js';
export { sendNotifyDatagram, notifySocketAddress } from './notify-client.js';
export { NativeSocketBackend } from './native-socket-backend.js';
export { nativePorts, type NativePorts, type NativePortsOptions } from './native-ports.js';
export * from './nss-user-database.js';
export * from './native-volatile-mounts.js';
export * from './native-ipc-objects.js';
export * from './native-utmp-records.js';

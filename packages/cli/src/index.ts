/**
 * @unitkit/cli as a library: the composition unitkitd uses, the bundled examples and the control
 * protocol's handler and server, for tools and tests (the fuzz harness) that build on them.
 */
export * from './example-units.js';
export { ControlHandler, type ControlHandlerOptions, type MethodContext } from './control-handler.js';
export { ControlServer, type ControlServerOptions, type ControlServerLimits } from './control-server.js';
export { PROTOCOL_VERSION, MAX_REQUEST_BYTES, encodeMessage, mutatingMethods } from './control-protocol.js';

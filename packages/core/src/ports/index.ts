export * from './event-loop.js';
export * from './process-spawner.js';
export * from './logger.js';
export * from './notify-receiver.js';
export * from './process-scopes.js';
export * from './socket-backend.js';
export * from './fd-operations.js';
export * from './output-capture.js';

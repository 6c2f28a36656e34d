export * from './event-loop.js';
export * from './process-spawner.js';
export * from './logger.js';
export * from './notify-receiver.js';

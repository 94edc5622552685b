/**
 * Middleware for `node:http`, Express, Fastify and fetch-style (`Request` → `Response`) handlers.
 *
 * @module
 */
export * from './core.js';
export * from './status.js';
export * from './node.js';
export * from './express.js';
export * from './fastify.js';
export * from './fetch.js';

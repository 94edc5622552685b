/**
 * Test-only helpers: a controllable clock, connections to the fake API server, temp dirs, unhandled-rejection
 * tracking.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConnection, type ConnectionOptions } from '../connection.js';
import type { FakeApiServer } from './fake-apiserver.js';
import { testPki } from './pki.js';

export interface FakeClock {
  (): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function fakeClock(start = Date.now()): FakeClock {
  let t = start;
  const clock = (() => t) as FakeClock;
  clock.advance = (ms) => {
    t += ms;
  };
  clock.set = (ms) => {
    t = ms;
  };
  return clock;
}

export function connectTo(server: FakeApiServer, options: Partial<ConnectionOptions> = {}): KubeConnection {
  return new KubeConnection({ server: server.url, ca: testPki().caCert, token: 'reviewer-token', ...options });
}

export function tempDir(prefix = 'kubeauth-verify-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Collects unhandled rejections while `fn` runs (plus a few ticks after). */
export async function unhandledRejectionsDuring(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', onRejection);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  return seen;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDuration } from '../gocompat/duration.js';
import { usage, type FlagSpec } from './flags.js';

test("durations print as Go's time.Duration", () => {
  assert.equal(goDuration(0), '0s');
  assert.equal(goDuration(60), '1m0s');
  assert.equal(goDuration(0.1), '100ms');
  assert.equal(goDuration(90.5), '1m30.5s');
  assert.equal(goDuration(5400), '1h30m0s');
  assert.equal(goDuration(0.0000015), '1.5µs');
});

test("help lists flags in pflag's layout, without zero-value defaults", () => {
  const specs: FlagSpec[] = [
    { name: 'v', shorthand: 'v', type: 'int', default: 0, usage: 'Verbosity.' },
    { name: 'port', type: 'int', default: 8443, usage: 'Port.' },
    { name: 'on', type: 'bool', default: false, usage: 'Switch.' },
    { name: 'name', type: 'string', default: 'x-remote-user', usage: 'Name.' },
    { name: 'every', type: 'duration', default: 60, usage: 'Interval.' },
    { name: 'list', type: 'stringSlice', default: [], usage: 'List.' },
  ];
  assert.deepEqual(usage(specs).split('\n'), [
    '  -v, --v int            Verbosity.',
    '      --port int         Port. (default 8443)',
    '      --on               Switch.',
    '      --name string      Name. (default "x-remote-user")',
    '      --every duration   Interval. (default 1m0s)',
    '      --list strings     List.',
  ]);
});

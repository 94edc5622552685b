// Test files run in forked workers, each starting its own kubeauth; tests in a file run in order. Starting a
// server takes well under a second, but CI machines are shared: hooks and tests get a minute.
export default {
  test: {
    include: ['**/*.test.mjs'],
    pool: 'forks',
    sequence: { concurrent: false },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
};

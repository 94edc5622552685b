// Starting a server takes well under a second, but CI machines are shared: hooks and tests get a minute.
export default { testMatch: ['**/*.test.mjs'], transform: {}, testEnvironment: 'node', testTimeout: 60_000 };

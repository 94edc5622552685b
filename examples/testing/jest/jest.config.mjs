export default { testMatch: ['**/*.test.mjs'], transform: {}, testEnvironment: 'node' };

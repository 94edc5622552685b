// Test files run in forked workers, each starting its own kubeauth; tests in a file run in order.
export default { test: { include: ['**/*.test.mjs'], pool: 'forks', sequence: { concurrent: false } } };

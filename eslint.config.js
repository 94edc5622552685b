import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// Layers import downward only (docs/architecture.md, "Layers"): each zone lists a layer and what lies above it.
const src = './packages/server/src';
const at = (...dirs) => dirs.map((d) => `${src}/${d}`);
const engines = at(
  'api',
  'pki',
  'request',
  'cache',
  'gocompat',
  'storage',
  'patch',
  'authn',
  'authz',
  'serviceaccount',
  'testing',
  // The time source, the metric registries and audit sinks: leaves that the server layer wires in.
  'clock',
  'metrics',
  'audit',
);
// Commands and the testing API's embedding sit on top, beside cli/: they may import any layer.
const top = ['cli', 'proxy', 'embed', 'audit2rbac'];
const layers = [
  { target: engines, from: at('registry', 'admission', 'discovery', 'controllers', 'server', 'observe', ...top) },
  { target: at('registry', 'admission', 'discovery'), from: at('controllers', 'server', 'observe', ...top) },
  { target: at('controllers'), from: at('server', 'observe', ...top) },
  // observe/ composes metrics, audit and request logs for the composition root: the server layer.
  { target: at('server', 'observe'), from: at(...top) },
  { target: ['./packages/verify'], from: ['./packages/server'] },
].map((z) => ({ ...z, message: 'layers import downward only (docs/architecture.md, "Layers")' }));

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.kubeauth/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['packages/*/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Parse the .ts files an import names (the cycle check reads them); resolve `./x.js` to `./x.ts`.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['packages/server/tsconfig.json', 'packages/verify/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      // Runtime imports only: the rule does not follow `import type`, which leaves nothing behind at run time.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Tests may wire layers together (a server started from CLI flags); the code they test may not.
    files: ['packages/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layers }] },
  },
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        performance: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-control-regex': 'off',
      // `k in obj` also finds inherited members (constructor, toString, __proto__...), and keys here often come
      // from requests (labels, data keys, user names). Only a literal on the left is allowed (a discriminated
      // union check such as `'error' in r`); anything else uses hasKey from api/ownkeys.ts (Object.hasOwn).
      'no-restricted-syntax': [
        'error',
        {
          selector: "BinaryExpression[operator='in'][left.type!='Literal']",
          message: '`in` also finds inherited members such as `constructor`: use hasKey (api/ownkeys.ts).',
        },
      ],
    },
  },
);

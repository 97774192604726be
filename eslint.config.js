// Guard rails the type checker cannot give: the workflow sandbox's rules fail
// here, at the desk, instead of at run time in a worker; and no promise is
// left floating. `npm run lint` (part of `npm test`).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['node_modules/**', 'tmp/**', 'test-results/**', '.data/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    // Bundled into Temporal's deterministic sandbox: no Node built-ins, and activities only as types.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: builtinModules.flatMap((name) => [name, `node:${name}`]).map((name) => ({ name, message: 'workflows run in the Temporal sandbox: no Node built-ins' })),
          patterns: [
            { regex: '^(\\.\\./)+(activities|api|db|lib|web|worker|cli|scripts)(/|$)', allowTypeImports: true, message: 'workflows may import other layers only as types (import type …)' },
          ],
        },
      ],
    },
  },
);

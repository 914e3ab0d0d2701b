import tseslint from 'typescript-eslint';
import { layersPlugin } from './tools/eslint/layers.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'coverage/', 'src-main/engine/db/migrations/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { layers: layersPlugin },
    rules: {
      'layers/dependency-direction': 'error',
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'No export-star barrels: export names explicitly.' },
        {
          selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']",
          message: 'Focused tests silently skip the rest.',
        },
      ],
    },
  },
  {
    // The CLI's stdout/stderr are its user interface; tools and benchmarks print results.
    files: ['src-main/cli/**', 'test/bench/**', 'tools/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);

/** What Prettier formats (npm test checks it, `npm run format` writes it). */
export const PRETTIER_FILES = [
  'src/**/*.ts',
  'test/**/*.ts',
  'scripts/**/*.mjs',
  '*.mjs',
  '*.cjs',
  'test/fakes/container',
];

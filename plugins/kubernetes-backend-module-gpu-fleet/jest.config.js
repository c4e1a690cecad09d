/*
 * backstage-cli's Jest configuration for a backend package, with one change:
 * the tests run Backstage's real Kubernetes backend, which loads
 * @kubernetes/client-node with import(), and Jest's VM runs import() only
 * under --experimental-vm-modules. That one package's import() calls become
 * require() here, as backstage-cli already does for frontend packages.
 * (A package with a jest.config.js gets this file instead of backstage-cli's.)
 */
const path = require('node:path');
const { name } = require('./package.json');

const swc = require.resolve('@backstage/cli/config/jestSwcTransform');
const nodeModules = {
  module: { ignoreDynamic: true, exportInteropAnnotation: true },
};
const ecmascript = { jsc: { parser: { syntax: 'ecmascript' } } };
const typescript = { jsc: { parser: { syntax: 'typescript' } } };

module.exports = {
  displayName: name,
  rootDir: path.resolve(__dirname, 'src'),
  testMatch: ['**/*.test.{ts,js,tsx,jsx,mts,cts,mjs,cjs}'],
  testEnvironment: require.resolve('jest-environment-node'),
  moduleFileExtensions: [
    'ts',
    'js',
    'tsx',
    'jsx',
    'mts',
    'cts',
    'mjs',
    'cjs',
    'json',
    'node',
  ],
  extensionsToTreatAsEsm: ['.mts'],
  transform: {
    // First match wins: this package's import() become require().
    '/@backstage/plugin-kubernetes-backend/dist/.*\\.js$': [swc, ecmascript],
    '\\.(mjs|cjs|js)$': [swc, { ...nodeModules, ...ecmascript }],
    '\\.(mts|cts|ts)$': [swc, { ...nodeModules, ...typescript }],
    '\\.(yaml)$': require.resolve('@backstage/cli/config/jestYamlTransform'),
  },
  transformIgnorePatterns: [
    '/node_modules/(?:@material-ui|ajv|core-js|jest-.*|jsdom|knex|react|react-dom|highlight\\.js|prismjs|json-schema|react-use/lib|typescript)/',
  ],
};

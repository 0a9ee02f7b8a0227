/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/examples"],
  testMatch: ["**/*.test.ts"],
  // Type checking is `tsc --noEmit` in `npm run lint`; tests only transpile.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 300000,
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/test/summaryReporter.js"],
};

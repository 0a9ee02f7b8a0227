/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/examples"],
  testMatch: ["**/*.test.ts"],
  // test/fixtures/adoption is a user's project, with its own jest test, run where it is installed (test/engine/adoption.test.ts).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/fixtures/"],
  // Type checking is `tsc --noEmit` in `npm run lint`; tests only transpile.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 300000,
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/test/summaryReporter.js"],
};

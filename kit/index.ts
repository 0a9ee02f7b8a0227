/**
 * The backup-guardrails test kit: check Pulumi programs and stacks against a policy
 * pack the way the Pulumi CLI does, without the CLI.
 *
 * - In-process: `FixtureStack`, `ref`, `secret`, `unknown` build a stack from the real
 *   `@pulumi/aws` argument types; `runPolicies` runs policies on it in milliseconds.
 * - Engine emulator: `PackProcess.start` launches a pack as the CLI does; `analyzeView`
 *   speaks the Analyzer protocol in the CLI's order; `runPolicyPack` does both once;
 *   `reconcileConfig` applies `--policy-pack-config` as the CLI does; `formatResult`
 *   prints the CLI's policy section.
 * - Program recorder: `recordProgram` runs a real program under Pulumi's mocks and
 *   returns the engine's view of its preview (or, with `mode: "known"`, of an update).
 * - Stack export: `readStackExport` turns `pulumi stack export` JSON into the same view.
 * - The pack: `defaultPackDir()` is the installed `aws-backup-guardrails` package's
 *   directory (for `runPolicyPack`), and `policies` its policy list (for `runPolicies`,
 *   whole or one policy at a time).
 * - Evidence report: `buildReport` turns a view and the pack's run into CP-9 evidence
 *   (`EvidenceReport`, the JSON of `backup-guardrails report`); `reportMarkdown` renders it.
 */
export { derived, FixtureStack, ref, secret, unknown, type Fixture, type FixtureOptions, type FixtureStackOptions } from "./fixtures";
export { runPolicies, type InProcessOptions } from "./inProcess";
export { PackProcess, PackLaunchError, type AnalyzerInfo, type EnforcementLevel, type PolicyInfo } from "./engine/analyzer";
export { reconcileConfig, PolicyConfigError } from "./engine/config";
export { analyzeView, runPolicyPack, type AnalysisResult, type AnalyzeOptions, type Diagnostic } from "./engine/run";
export { formatResult } from "./engine/format";
export { recordProgram, RecordError, type RecordOptions } from "./recorder";
export { readStackExport, StackExportError } from "./export";
export { UNKNOWN_SENTINEL, type EngineResource, type EngineView } from "./view";
export { defaultPackDir } from "./cli";
export { policies } from "aws-backup-guardrails/bin/policies";
export { buildReport, reportMarkdown, REPORT_FORMAT, type EvidenceReport, type ControlStatus } from "./report";

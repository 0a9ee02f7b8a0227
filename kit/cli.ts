#!/usr/bin/env node
/**
 * backup-guardrails: runs the pack over a Pulumi program (offline preview under mocks)
 * or over a `pulumi stack export` file (audit of a deployed stack), through the engine
 * emulator, and prints what `pulumi preview --policy-pack` would.
 *
 * Exit status: 0 when no mandatory policy fails, 1 when one does, 2 on bad usage or input.
 */
import * as fs from "fs";
import * as path from "path";
import { PackLaunchError, type PackProcess } from "./engine/analyzer";
import { PolicyConfigError } from "./engine/config";
import { formatResult, orderDiagnostics, summarize } from "./engine/format";
import { analyzeView, runPolicyPack, type AnalysisResult } from "./engine/run";
import { readStackExport, StackExportError } from "./export";
import { recordProgram, RecordError } from "./recorder";
import { buildReport, reportMarkdown } from "./report";
import { toSarif } from "./sarif";
import type { EngineView } from "./view";

export const USAGE = `Usage:
  backup-guardrails preview <program-dir> [--stack <name>] [--known] [options]
  backup-guardrails audit <stack-export.json> [options]
  backup-guardrails report <program-dir | stack-export.json> [--stack <name>] [--known] [options]
                               CP-9 evidence: per data store its plan, selection, schedule, retention,
                               copies, vault, key custody and backup identity; per control its status
                               and references (Markdown with a Mermaid diagram; --json, --sarif)

Options:
  --policy-pack-config <file>  policy configuration, as for pulumi preview
  --policy-pack <dir>          the pack to run (default: the installed aws-backup-guardrails)
  --json                       print the result as JSON
  --sarif                      print the result as SARIF 2.1.0 (for code-scanning dashboards)
  --known                      (preview) every value known, as in an update of an existing stack
  --config <key>=<value>       (preview, repeatable) a config value, named as for pulumi config set
                               (key for the project's namespace, or namespace:key); supplies secure values
  --stack-reference-outputs <file>
                               (preview) JSON {"<org/project/stack>": {"<output>": value}} for StackReferences

Exit status: 0 no mandatory violation, 1 a mandatory violation, 2 bad usage or input.`;

export class UsageError extends Error {}

export interface CliArgs {
  readonly command: "preview" | "audit" | "report";
  readonly target: string;
  readonly stack?: string;
  readonly known: boolean;
  readonly json: boolean;
  readonly sarif: boolean;
  readonly policyPackConfig?: string;
  readonly policyPack?: string;
  /** `--config key=value`, as given (the recorder puts bare keys in the project's namespace). */
  readonly config: Readonly<Record<string, string>>;
  readonly stackReferenceOutputs?: string;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command !== "preview" && command !== "audit" && command !== "report")
    throw new UsageError(command ? `unknown command "${command}"` : "no command given");
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  const config: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? "";
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const cut = arg.indexOf("=");
    const name = cut < 0 ? arg.slice(2) : arg.slice(2, cut);
    const inline = cut < 0 ? undefined : arg.slice(cut + 1);
    if (name === "json" || name === "known" || name === "sarif") flags[name] = true;
    else if (name === "config") {
      const pair = inline ?? rest[++i];
      const split = pair?.indexOf("=") ?? -1;
      if (!pair || split <= 0) throw new UsageError("--config needs key=value");
      config[pair.slice(0, split)] = pair.slice(split + 1);
      flags.config = true;
    } else if (name === "stack-reference-outputs") {
      const value = inline ?? rest[++i];
      if (!value) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else if (name === "policy-pack-config" || name === "policy-pack" || name === "stack") {
      const value = inline ?? rest[++i];
      if (!value) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else throw new UsageError(`unknown option --${name}`);
  }
  const what = { preview: "program directory", audit: "stack export file", report: "program directory or stack export file" }[command];
  if (positional.length !== 1) throw new UsageError(`${command} takes exactly one ${what}`);
  const previewOnly = flags.known || flags.stack || flags.config || flags["stack-reference-outputs"];
  if (command === "audit" && previewOnly)
    throw new UsageError("--known, --stack, --config and --stack-reference-outputs apply to preview only");
  if (command === "report" && previewOnly && isStackExportPath(positional[0] ?? ""))
    throw new UsageError("--known, --stack, --config and --stack-reference-outputs apply to a program directory, not a stack export");
  if (flags.json && flags.sarif) throw new UsageError("--json and --sarif are two output formats; pass one");
  const text = (key: string) => (typeof flags[key] === "string" ? (flags[key] as string) : undefined);
  return {
    command,
    target: positional[0] ?? "",
    stack: text("stack"),
    known: flags.known === true,
    json: flags.json === true,
    sarif: flags.sarif === true,
    policyPackConfig: text("policy-pack-config"),
    policyPack: text("policy-pack"),
    config,
    stackReferenceOutputs: text("stack-reference-outputs"),
  };
}

/** `report` reads a `.json` file as a stack export (as `audit` does) and anything else as a program directory (as `preview` does). */
function isStackExportPath(target: string): boolean {
  return target.toLowerCase().endsWith(".json");
}

/** Whether the command reads a stack export. */
function readsExport(args: CliArgs): boolean {
  return args.command === "audit" || (args.command === "report" && isStackExportPath(args.target));
}

/**
 * The pack this kit travels with: the installed `aws-backup-guardrails` package (a
 * dependency of the kit's package, so the two versions match), else, for a kit run from
 * source, this repository's policy-pack directory.
 */
export function defaultPackDir(): string {
  try {
    const installed = path.dirname(require.resolve("aws-backup-guardrails/package.json"));
    if (fs.existsSync(path.join(installed, "PulumiPolicy.yaml"))) return installed;
  } catch {
    // Not installed: look for the repository's pack.
  }
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "policy-pack", "PulumiPolicy.yaml"))) return path.join(dir, "policy-pack");
  }
  throw new UsageError("cannot find the aws-backup-guardrails pack (install it, or pass --policy-pack)");
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`cannot read ${what} ${file}`);
  }
  // An empty config file configures nothing, as for the CLI.
  if (what === "policy pack config" && text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${what} ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

export async function loadView(args: CliArgs): Promise<EngineView> {
  if (readsExport(args)) return readStackExport(readJson(args.target, "stack export"));
  if (!fs.existsSync(args.target) || !fs.statSync(args.target).isDirectory()) throw new UsageError(`${args.target} is not a directory`);
  const stackReferenceOutputs = args.stackReferenceOutputs ? readJson(args.stackReferenceOutputs, "stack reference outputs") : undefined;
  if (stackReferenceOutputs !== undefined && !isOutputsFile(stackReferenceOutputs)) {
    throw new UsageError(
      `stack reference outputs ${args.stackReferenceOutputs} must be a JSON object of stack names, each an object of outputs`,
    );
  }
  return recordProgram(args.target, {
    stack: args.stack,
    mode: args.known ? "known" : "preview",
    config: args.config,
    stackReferenceOutputs,
  });
}

function isOutputsFile(value: unknown): value is Record<string, Record<string, unknown>> {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  return isObject(value) && Object.values(value).every(isObject);
}

export function resultJson(result: AnalysisResult): string {
  return JSON.stringify(
    {
      policyPack: result.pack,
      failed: result.failed,
      diagnostics: orderDiagnostics(result.diagnostics).map(({ policy, urn, enforcementLevel, severity, message }) => ({
        policy,
        urn,
        enforcementLevel,
        severity,
        message,
      })),
      // Which inputs each remediation changed, by name: the values stay out of the output, as in messages.
      remediations: result.remediations.map(({ policy, urn, properties }) => ({ policy, urn, properties: Object.keys(properties) })),
    },
    null,
    2,
  );
}

/** The file a SARIF result points at: the program's Pulumi.yaml, or the stack export, relative to the working directory. */
function sarifArtifact(args: CliArgs): string {
  const file = readsExport(args) ? args.target : path.join(args.target, "Pulumi.yaml");
  return path.relative(process.cwd(), path.resolve(file)).split(path.sep).join("/");
}

export interface MainOptions {
  /**
   * Pack processes already started, one per mode (tests share them); by default the
   * command starts its own, told whether it serves a preview.
   */
  readonly packs?: { readonly preview?: PackProcess; readonly update?: PackProcess };
}

/** Runs one command; returns the exit status. */
export async function main(
  argv: readonly string[],
  out: (text: string) => void,
  err: (text: string) => void,
  options: MainOptions = {},
): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    err(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    const packDir = args.policyPack ?? defaultPackDir();
    const config = args.policyPackConfig ? readJson(args.policyPackConfig, "policy pack config") : undefined;
    const view = await loadView(args);
    const started = view.dryRun ? options.packs?.preview : options.packs?.update;
    const result = started
      ? await analyzeView(started, view, { policyPackConfig: config })
      : await runPolicyPack(packDir, view, { policyPackConfig: config });
    for (const warning of [...(view.warnings ?? []), ...result.warnings]) err(`warning: ${warning}`);
    if (args.command === "report") {
      if (args.sarif) out(JSON.stringify(toSarif(result, sarifArtifact(args)), null, 2));
      else {
        const report = buildReport(view, result, {
          policyPackConfig: config,
          source: readsExport(args) ? "stack export" : view.dryRun ? "preview" : "update",
        });
        out(args.json ? JSON.stringify(report, null, 2) : reportMarkdown(report).trimEnd());
      }
    } else if (args.json) out(resultJson(result));
    else if (args.sarif) out(JSON.stringify(toSarif(result, sarifArtifact(args)), null, 2));
    else {
      out(formatResult(result, path.relative(process.cwd(), packDir) || "."));
      out(`\n${summarize(result.diagnostics)}${result.failed ? ": a mandatory policy failed, so pulumi would stop here" : ""}`);
    }
    return result.failed ? 1 : 0;
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof PolicyConfigError ||
      error instanceof StackExportError ||
      error instanceof RecordError ||
      error instanceof PackLaunchError
    ) {
      err(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** The command line: runs `main` on the process's arguments and exits with its status. */
export function runCommand(): void {
  main(
    process.argv.slice(2),
    (text) => process.stdout.write(`${text}\n`),
    (text) => process.stderr.write(`${text}\n`),
  ).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(2);
    },
  );
}

if (require.main === module) runCommand();

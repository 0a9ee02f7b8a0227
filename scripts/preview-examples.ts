/**
 * The main job (`npm start`): an offline preview of every example program through the
 * real pack process, printed as `pulumi preview --policy-pack` prints it, each checked
 * against the diagnostics the example expects (`expected.json`). `--update` rewrites
 * those files from the current results, for review.
 */
import * as fs from "fs";
import * as path from "path";
import { defaultPackDir } from "../kit/cli";
import { PackProcess } from "../kit/engine/analyzer";
import { formatResult, summarize } from "../kit/engine/format";
import { analyzeView } from "../kit/engine/run";
import { recordProgram } from "../kit/recorder";

export interface ExpectedDiagnostic {
  readonly policy: string;
  readonly urn: string;
  readonly enforcementLevel: string;
  readonly message: string;
}

/** What an example must produce: the exit status of `backup-guardrails preview` and every diagnostic. */
export interface Expected {
  readonly exitCode: 0 | 1;
  readonly diagnostics: readonly ExpectedDiagnostic[];
}

export const EXAMPLES_DIR = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? "../../examples" : "../examples");

export function exampleDirs(): string[] {
  return fs
    .readdirSync(EXAMPLES_DIR)
    .map((name) => path.join(EXAMPLES_DIR, name))
    .filter((dir) => fs.existsSync(path.join(dir, "Pulumi.yaml")))
    .sort();
}

export function sortDiagnostics<T extends ExpectedDiagnostic>(diagnostics: readonly T[]): ExpectedDiagnostic[] {
  return diagnostics
    .map(({ policy, urn, enforcementLevel, message }) => ({ policy, urn, enforcementLevel, message }))
    .sort((a, b) => a.policy.localeCompare(b.policy) || a.urn.localeCompare(b.urn) || a.message.localeCompare(b.message));
}

async function main(): Promise<number> {
  const update = process.argv.includes("--update");
  const packDir = defaultPackDir();
  let mismatches = 0;
  const dirs = exampleDirs();
  for (const [i, dir] of dirs.entries()) {
    const name = path.relative(process.cwd(), dir);
    const view = await recordProgram(dir);
    // One pack process per example, started as the CLI starts it for that stack.
    const pack = await PackProcess.start(packDir, view);
    try {
      const result = await analyzeView(pack, view);
      const actual: Expected = { exitCode: result.failed ? 1 : 0, diagnostics: sortDiagnostics(result.diagnostics) };
      process.stdout.write(`${i > 0 ? "\n" : ""}$ pulumi preview --policy-pack policy-pack   # ${name}, offline\n`);
      process.stdout.write(`${formatResult(result, "policy-pack")}\n${summarize(result.diagnostics)}\n`);
      const expectedFile = path.join(dir, "expected.json");
      if (update) fs.writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
      const expected = fs.existsSync(expectedFile) ? (JSON.parse(fs.readFileSync(expectedFile, "utf8")) as Expected) : undefined;
      const matches = JSON.stringify(expected) === JSON.stringify(actual);
      if (!matches) mismatches++;
      process.stdout.write(`${matches ? "as expected" : "DIFFERENT from"} ${path.relative(process.cwd(), expectedFile)}\n`);
    } finally {
      await pack.stop();
    }
  }
  process.stdout.write(`\n${dirs.length - mismatches} of ${dirs.length} examples gave exactly their expected diagnostics.\n`);
  return mismatches === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(2);
    },
  );
}

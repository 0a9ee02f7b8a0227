/**
 * SARIF 2.1.0 output of the command (`--sarif`): valid against the SARIF schema, one rule
 * per policy with its metadata, exactly the example's diagnostics as results, each on
 * its resource.
 */
import "@microsoft/jest-sarif";
import * as fs from "fs";
import * as path from "path";
import type { Log, Result } from "sarif";
import { main } from "../../kit/cli";
import { policies } from "../../policy-pack/policies";
import { sortDiagnostics, type Expected } from "../../scripts/preview-examples";
import { packsForThisFile } from "../helpers";

const ROOT = path.join(__dirname, "..", "..");
const EXAMPLE = path.join(ROOT, "examples", "provider-managed-keys");
const EXPORT = path.join(ROOT, "test", "fixtures", "weak-key-controls.stack-export.json");
const packs = packsForThisFile();

async function sarifOf(...argv: string[]): Promise<{ code: number; log: Log }> {
  const out: string[] = [];
  const code = await main(
    [...argv, "--sarif"],
    (text) => out.push(text),
    () => undefined,
    { packs },
  );
  return { code, log: JSON.parse(out.join("\n")) as Log };
}

const asDiagnostic = (r: Result) => ({
  policy: r.ruleId ?? "",
  urn: r.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName ?? "",
  enforcementLevel: String(r.properties?.enforcementLevel),
  message: r.message.text ?? "",
});

describe("backup-guardrails --sarif", () => {
  it("gives a valid SARIF 2.1.0 log of a preview with exactly the example's diagnostics, each on its resource", async () => {
    const { code, log } = await sarifOf("preview", EXAMPLE);
    const expected = JSON.parse(fs.readFileSync(path.join(EXAMPLE, "expected.json"), "utf8")) as Expected;
    expect(log).toBeValidSarifLog();
    expect({ ...log, runs: [{ results: log.runs[0]!.results }] }).not.toBeValidSarifLog(); // the validator can fail: a run needs its tool
    expect(code).toBe(expected.exitCode);
    const run = log.runs[0]!;
    expect(sortDiagnostics(run.results!.map(asDiagnostic))).toEqual(expected.diagnostics);
    for (const result of run.results!) {
      expect(run.tool.driver.rules![result.ruleIndex!]!.id).toBe(result.ruleId);
      expect(result.level).toBe(result.properties?.enforcementLevel === "mandatory" ? "error" : "warning");
      expect(result.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe(
        path.relative(process.cwd(), path.join(EXAMPLE, "Pulumi.yaml")),
      );
    }
  });

  it("describes every policy of the pack as a rule, with its remediation, documentation, NIST ids and severity score", async () => {
    const { log } = await sarifOf("preview", EXAMPLE);
    const rules = log.runs[0]!.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual(policies.map((p) => p.name));
    const vault = rules.find((r) => r.id === "backup-vault-customer-managed-key")!;
    expect(vault.help?.text).toBe(policies.find((p) => p.name === vault.id)!.remediationSteps);
    expect(vault.helpUri).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    expect(vault.properties?.tags).toEqual(expect.arrayContaining(["security", "NIST-800-53:SC-12", "NIST-800-53:SC-28(1)"]));
    expect(vault.properties?.["security-severity"]).toBe("8.0");
    expect(vault.defaultConfiguration?.level).toBe("error");
  });

  it("gives stable fingerprints, one per policy and resource", async () => {
    const [first, second] = [await sarifOf("preview", EXAMPLE), await sarifOf("preview", EXAMPLE)];
    const prints = (log: Log) => log.runs[0]!.results!.map((r) => r.partialFingerprints?.["policyResource/v1"]);
    expect(prints(second.log)).toEqual(prints(first.log));
    expect(prints(first.log).every((p) => /^[0-9a-f]{64}$/.test(p ?? ""))).toBe(true);
  });

  it("gives a valid SARIF log of an audit, pointing at the stack export", async () => {
    const { log } = await sarifOf("audit", EXPORT);
    expect(log).toBeValidSarifLog();
    expect(log.runs[0]!.results!.length).toBeGreaterThan(0);
    expect(log.runs[0]!.artifacts![0]!.location!.uri).toBe(path.relative(process.cwd(), EXPORT));
  });

  it("refuses --json with --sarif", async () => {
    const err: string[] = [];
    const code = await main(
      ["preview", EXAMPLE, "--json", "--sarif"],
      () => undefined,
      (text) => err.push(text),
      { packs },
    );
    expect(code).toBe(2);
    expect(err[0]?.split("\n")[0]).toBe("error: --json and --sarif are two output formats; pass one");
  });
});

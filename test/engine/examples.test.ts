/**
 * Every example program, recorded under Pulumi's mocks as a first preview, through the
 * real pack process over the Analyzer protocol (by `backup-guardrails preview`): exact
 * diagnostics and exit status.
 */
import * as fs from "fs";
import * as path from "path";
import { main } from "../../kit/cli";
import { analyzeView } from "../../kit/engine/run";
import { recordProgram } from "../../kit/recorder";
import { policies } from "../../policy-pack/policies";
import { packsForThisFile } from "../helpers";
import { exampleDirs, sortDiagnostics, type Expected, type ExpectedDiagnostic } from "../../scripts/preview-examples";

const packs = packsForThisFile();

describe("example programs through the pack process", () => {
  const dirs = exampleDirs();

  it("covers the compliant reference program and the seeds' key-custody and coverage scenarios", () => {
    expect(dirs.map((dir) => path.basename(dir))).toEqual(
      expect.arrayContaining(["reference", "provider-managed-keys", "uncovered-data-stores"]),
    );
  });

  it("fires every identity control on the ransomware-propagation scenario", () => {
    const dir = dirs.find((d) => path.basename(d) === "ransomware-propagation")!;
    const expected = JSON.parse(fs.readFileSync(path.join(dir, "expected.json"), "utf8")) as Expected;
    const identity = policies.filter((policy) => policy.area === "identity").map((policy) => policy.name);
    expect(identity).toHaveLength(6);
    expect(identity.filter((name) => !expected.diagnostics.some((d) => d.policy === name))).toEqual([]);
  });

  it.each(dirs.map((dir) => [path.basename(dir), dir]))("%s gives exactly its expected diagnostics and exit status", async (_name, dir) => {
    const expected = JSON.parse(fs.readFileSync(path.join(dir, "expected.json"), "utf8")) as Expected;
    const out: string[] = [];
    const exitCode = await main(
      ["preview", dir, "--json"],
      (text) => out.push(text),
      () => undefined, // warnings (an example's undecryptable secrets) go to stderr
    );
    const result = JSON.parse(out.join("\n")) as { diagnostics: ExpectedDiagnostic[] };
    expect({ exitCode, diagnostics: sortDiagnostics(result.diagnostics) }).toEqual(expected);
  });

  it("gives the same verdicts whatever order the engine sends the resources in", async () => {
    for (const dir of dirs) {
      const view = await recordProgram(dir);
      const [root, ...rest] = view.resources;
      const reordered = { ...view, resources: [root!, ...rest.reverse()] };
      const [inOrder, reversed] = [await analyzeView(packs.preview, view), await analyzeView(packs.preview, reordered)];
      expect(sortDiagnostics(reversed.diagnostics)).toEqual(sortDiagnostics(inOrder.diagnostics));
    }
  });

  it("the compliant reference program has no diagnostics at all, in preview and in an update", async () => {
    const reference = dirs.find((dir) => path.basename(dir) === "reference")!;
    for (const mode of ["preview", "known"] as const) {
      const result = await analyzeView(mode === "preview" ? packs.preview : packs.update, await recordProgram(reference, { mode }));
      expect(result.diagnostics).toEqual([]);
      expect(result.failed).toBe(false);
    }
  });

  it("verifies in an update what the first preview could not: the key policy naming a new role", async () => {
    const gaps = dirs.find((dir) => path.basename(dir) === "preview-gaps")!;
    const result = await analyzeView(packs.update, await recordProgram(gaps, { mode: "known" }));
    // The example is about one gap; other controls (its vault's notifications) may still fire.
    const verdicts = result.diagnostics.filter((d) => ["preview-verification-gaps", "backup-key-policy-restricted"].includes(d.policy));
    expect(verdicts).toEqual([]);
  });
});

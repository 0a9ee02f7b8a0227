/**
 * `backup-guardrails report`: the CP-9 evidence of every example (and of a stack
 * export) matches its golden files in test/kit/report/, each from one run of the real
 * pack process; the reference program satisfies every control that applies to it; the
 * report's statuses agree with the preview's diagnostics; its SARIF validates.
 *
 * Regenerate the golden files with `UPDATE_GOLDEN=1 npx jest test/kit/report.test.ts`
 * and review the diff. (This file imports the pack only through the kit, as an installed
 * kit does: see kit/report/evidence.ts.)
 */
import "@microsoft/jest-sarif";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Log } from "sarif";
import { main } from "../../kit/cli";
import { analyzeView } from "../../kit/engine/run";
import { readStackExport } from "../../kit/export";
import { recordProgram } from "../../kit/recorder";
import { buildReport, describeSchedule, reportMarkdown, type EvidenceReport, type ReportSource } from "../../kit/report";
import type { EngineView } from "../../kit/view";
import { exampleDirs, type Expected } from "../../scripts/preview-examples";
import { packsForThisFile } from "../helpers";

const ROOT = path.join(__dirname, "..", "..");
const GOLDEN = path.join(__dirname, "report");
const EXPORT = path.join(ROOT, "test", "fixtures", "weak-key-controls.stack-export.json");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const packs = packsForThisFile();

/** One run of the pack process over a view, and the report of that run. */
async function reportOf(view: EngineView, source: ReportSource): Promise<EvidenceReport> {
  const result = await analyzeView(view.dryRun ? packs.preview : packs.update, view);
  return buildReport(view, result, { source });
}

function golden(name: string, report: EvidenceReport): void {
  const files = { [`${name}.md`]: reportMarkdown(report), [`${name}.json`]: `${JSON.stringify(report, null, 2)}\n` };
  for (const [file, text] of Object.entries(files)) {
    const at = path.join(GOLDEN, file);
    if (UPDATE) {
      fs.mkdirSync(GOLDEN, { recursive: true });
      fs.writeFileSync(at, text);
    }
    expect(text).toBe(fs.readFileSync(at, "utf8"));
  }
}

const reports = new Map<string, EvidenceReport>();

describe("backup-guardrails report", () => {
  describe.each(exampleDirs().map((dir) => [path.basename(dir), dir]))("examples/%s", (name, dir) => {
    it("matches its golden files, and its statuses agree with the preview's diagnostics", async () => {
      const report = await reportOf(await recordProgram(dir), "preview");
      reports.set(name, report);
      golden(name, report);
      const expected = JSON.parse(fs.readFileSync(path.join(dir, "expected.json"), "utf8")) as Expected;
      expect(report.failed).toBe(expected.exitCode === 1);
      const violated = new Set(expected.diagnostics.map((d) => d.policy));
      expect(report.controls.filter((c) => c.status === "violated").map((c) => c.policy)).toEqual(
        report.controls.map((c) => c.policy).filter((policy) => violated.has(policy)),
      );
      // Every violation of the preview is behind its control, on its resource.
      for (const d of expected.diagnostics) {
        const control = report.controls.find((c) => c.policy === d.policy)!;
        expect(control.resources).toContainEqual({ urn: d.urn, status: "violated", detail: d.message });
      }
    });
  });

  it("finds every control satisfied or not applicable on the reference program, with its data stores protected", () => {
    const report = reports.get("reference")!;
    expect(report.controls.filter((c) => c.status !== "satisfied" && c.status !== "not applicable")).toEqual([]);
    expect(report.controls.length).toBeGreaterThan(20);
    expect(report.summary).toMatchObject({ unprotected: 0, undecided: 0 });
    expect(report.dataStores.map((store) => [store.resource.name, store.protection])).toEqual([
      ["orders-db", "protected"],
      ["sessions", "protected"],
      ["shared-files", "protected"],
    ]);
  });

  it("says how each data store was selected, by ARN, wildcard and condition, tag, or its provider's default tags", () => {
    const report = reports.get("reference")!;
    const how = (store: string) =>
      Object.fromEntries(
        report.dataStores
          .find((s) => s.resource.name === store)!
          .selections.map((selection) => [selection.selection.name, selection.selectedBy]),
      );
    expect(how("orders-db")).toEqual({ databases: ["ARN"] });
    expect(how("sessions")).toEqual({
      "backup-selection": ["tag"],
      "tagged-file-systems": ["tag"],
      "tagged-tables": ["wildcard", "condition"],
    });
    expect(how("shared-files")).toEqual({ "backup-selection": ["default tags"], "tagged-file-systems": ["default tags"] });
  });

  it("lists data stores no plan protects as unprotected, and the controls with nothing to judge as not applicable", () => {
    const report = reports.get("uncovered-data-stores")!;
    expect(report.dataStores.filter((s) => s.protection === "unprotected").map((s) => s.resource.name)).toEqual([
      "fail-shared-files",
      "fail-scratch-volume",
    ]);
    expect(report.controls.find((c) => c.policy === "backup-bucket-versioning-enabled")).toMatchObject({
      status: "not applicable",
      resources: [],
    });
  });

  it("says unknown-at-preview values are unknown, and names the controls left unverifiable with why", () => {
    const report = reports.get("preview-gaps")!;
    const unverifiable = report.controls.filter((c) => c.status === "unverifiable");
    expect(unverifiable.length).toBeGreaterThan(0);
    for (const control of unverifiable) {
      expect(control.resources.some((r) => r.status === "unverifiable" && (r.detail ?? "").length > 0)).toBe(true);
    }
    const text = JSON.stringify([...reports.values()]);
    expect(text).toContain('"unknown at preview"');
  });

  it("reports on a stack export as audit reads it, with its golden files", async () => {
    const report = await reportOf(readStackExport(JSON.parse(fs.readFileSync(EXPORT, "utf8"))), "stack export");
    golden("weak-key-controls.stack-export", report);
    expect(report.stack.source).toBe("stack export");
    expect(JSON.stringify(report)).not.toContain("unknown at preview");
  });

  it("prints the JSON report from the command, with the exit status of preview", async () => {
    const out: string[] = [];
    const code = await main(
      ["report", path.join(ROOT, "examples", "uncovered-data-stores"), "--json"],
      (t) => out.push(t),
      () => undefined,
      {
        packs,
      },
    );
    expect(code).toBe(1);
    expect(JSON.parse(out.join("\n"))).toEqual(JSON.parse(fs.readFileSync(path.join(GOLDEN, "uncovered-data-stores.json"), "utf8")));
  });

  it("prints the Markdown report of a stack export from the command", async () => {
    const out: string[] = [];
    const code = await main(
      ["report", EXPORT],
      (t) => out.push(t),
      () => undefined,
      { packs },
    );
    expect(code).toBe(1);
    expect(`${out.join("\n")}\n`).toBe(fs.readFileSync(path.join(GOLDEN, "weak-key-controls.stack-export.md"), "utf8"));
  });

  it("never shows a secret: a key ARN given as a secret config value is said to be one", async () => {
    const secretArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const out: string[] = [];
    await main(
      ["report", path.join(ROOT, "examples", "outside-values"), "--json", "--config", `outside-values:vaultKeyArn=${secretArn}`],
      (t) => out.push(t),
      () => undefined,
      { packs },
    );
    const report = JSON.parse(out.join("\n")) as EvidenceReport;
    expect(out.join("\n")).not.toContain(secretArn);
    expect(report.vaults.find((vault) => vault.resource.name === "config-key-vault")!.key).toEqual({
      custody: "key outside this stack",
      reference: "a secret value",
      rotationEnabled: "not visible from this stack",
      rotationPeriodDays: "not visible from this stack",
      deletionWindowDays: "not visible from this stack",
    });
  });

  it("takes the run's policy configuration: a disabled control says so, and S3 data buckets count when includeS3 asks for them", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-config-"));
    const config = path.join(dir, "config.json");
    fs.writeFileSync(
      config,
      JSON.stringify({
        "backup-plan-frequency": "disabled",
        "preview-verification-gaps": "disabled",
        "data-store-in-backup-plan": { includeS3: true, backupBucketTags: { purpose: "none" } },
      }),
    );
    const out: string[] = [];
    try {
      await main(
        ["report", path.join(ROOT, "examples", "provider-managed-keys"), "--json", "--policy-pack-config", config],
        (t) => out.push(t),
        () => undefined,
        { packs },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const report = JSON.parse(out.join("\n")) as EvidenceReport;
    expect(report.controls.find((c) => c.policy === "backup-plan-frequency")).toMatchObject({
      status: "disabled",
      enforcementLevel: "disabled",
    });
    expect(report.notes).toEqual([
      "preview-verification-gaps is disabled, so this run lists no unverifiable control: a control reported satisfied may have been unverifiable on some resource.",
    ]);
    expect(report.dataStores.map((s) => [s.resource.name, s.resourceType, s.protection])).toEqual([
      ["fail-bucket-sse-s3", "S3", "unprotected"],
    ]);
    expect(report.controls.find((c) => c.policy === "data-store-in-backup-plan")!.status).toBe("violated");
  });

  it("gives valid SARIF 2.1.0", async () => {
    const out: string[] = [];
    const code = await main(
      ["report", path.join(ROOT, "examples", "reference"), "--sarif"],
      (t) => out.push(t),
      () => undefined,
      { packs },
    );
    const log = JSON.parse(out.join("\n")) as Log;
    expect(code).toBe(0);
    expect(log).toBeValidSarifLog();
    expect(log.runs[0]!.results).toEqual([]);
  });

  it("rejects preview options with a stack export, and bad input, with exit status 2", async () => {
    const err: string[] = [];
    expect(
      await main(
        ["report", EXPORT, "--known"],
        () => undefined,
        (t) => err.push(t),
        { packs },
      ),
    ).toBe(2);
    expect(err[0]!.split("\n")[0]).toBe(
      "error: --known, --stack, --config and --stack-reference-outputs apply to a program directory, not a stack export",
    );
    expect(
      await main(
        ["report", path.join(ROOT, "no-such-dir")],
        () => undefined,
        (t) => err.push(t),
        { packs },
      ),
    ).toBe(2);
    expect(
      await main(
        ["report", "--json"],
        () => undefined,
        (t) => err.push(t),
        { packs },
      ),
    ).toBe(2);
  });
});

describe("schedules in words", () => {
  it.each([
    ["cron(0 5 ? * * *)", "At 05:00"],
    ["cron(0 5 1 * ? *)", "At 05:00, on day 1 of the month"],
    ["cron(0 1 ? * SUN *)", "At 01:00, only on Sunday"],
    ["cron(30 2 ? * MON-FRI *)", "At 02:30, Monday through Friday"],
    ["rate(12 hours)", "not a valid AWS Backup schedule (AWS Backup takes cron() expressions only, not rate())"],
    ["cron(0 5 ? *)", "not a valid AWS Backup schedule (its cron() has 4 fields instead of 6)"],
  ])("%s", (expression, words) => {
    expect(describeSchedule(expression)).toBe(words);
  });
});

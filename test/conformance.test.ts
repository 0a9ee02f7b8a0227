/**
 * The pack's public surface stays coherent: every policy carries its metadata, names,
 * files and exports agree, and the committed policy table is what the metadata renders.
 */
import * as fs from "fs";
import * as path from "path";
import { defaultEnforcement, type BackupPolicy } from "../policy-pack/lib/define";
import { renderPackReadme } from "../policy-pack/lib/docs";
import { policies } from "../policy-pack/policies";
import { readmePath, renderReadme } from "../scripts/render-docs";

const POLICIES_DIR = path.join(__dirname, "..", "policy-pack", "policies");
const AREAS = ["encryption", "identity", "retention", "replication", "coverage"];
const NIST_CONTROL = /^(AC|AU|CA|CM|CP|IA|IR|MP|PE|RA|SA|SC|SI)-\d+(\(\d+\))?[a-z]?(-[a-z])?$/;

const camelCase = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function policyFiles(): { area: string; file: string }[] {
  return fs
    .readdirSync(POLICIES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      fs
        .readdirSync(path.join(POLICIES_DIR, dir.name))
        .filter((file) => file.endsWith(".ts"))
        .map((file) => ({ area: dir.name, file: file.replace(/\.ts$/, "") })),
    );
}

describe("policy metadata", () => {
  it.each(policies.map((policy) => [policy.name, policy] as const))("%s carries complete metadata", (_name, policy: BackupPolicy) => {
    expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(policy.description).toMatch(/^[A-Z].* must .*\.$/);
    expect(policy.description.split(/\.\s/)).toHaveLength(1);
    expect(["low", "medium", "high", "critical"]).toContain(policy.severity);
    expect(policy.enforcementLevel).toBe(defaultEnforcement(policy.severity!));
    expect(policy.framework?.name).toBe("NIST SP 800-53");
    expect(policy.framework?.version).toBe("Rev. 5");
    const controls = policy.framework!.reference.split(", ");
    expect(controls.length).toBeGreaterThan(0);
    for (const control of controls) expect(control).toMatch(NIST_CONTROL);
    expect(policy.framework?.specification.length).toBeGreaterThan(20);
    expect(policy.tags).toContain(`area:${policy.area}`);
    expect(AREAS).toContain(policy.area);
    expect(policy.remediationSteps?.length).toBeGreaterThan(40);
    expect(policy.url).toMatch(/^https:\/\//);
    const properties = policy.configSchema?.properties ?? {};
    expect(properties.exemptions).toBeDefined();
    for (const [field, schema] of Object.entries(properties)) {
      expect([field, schema.default]).not.toEqual([field, undefined]);
      expect([field, typeof schema.description]).toEqual([field, "string"]);
    }
  });

  it("names are unique and preview-verification-gaps runs last, after every policy that records gaps", () => {
    const names = policies.map((policy) => policy.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names[names.length - 1]).toBe("preview-verification-gaps");
  });
});

describe("names, files and exports", () => {
  it("every policy file holds the policy of the same name, in its area's folder, exported under that name", async () => {
    const files = policyFiles();
    expect(files.map(({ area, file }) => `${area}/${file}`).sort()).toEqual(policies.map((p) => `${p.area}/${camelCase(p.name)}`).sort());
    for (const { area, file } of files) {
      const module = (await import(path.join(POLICIES_DIR, area, file))) as Record<string, BackupPolicy>;
      expect(Object.keys(module)).toEqual([file]);
      expect(policies).toContain(module[file]);
      expect(module[file]?.area).toBe(area);
    }
  });
});

describe("generated documents", () => {
  it("the committed README policy table is what the metadata renders (run npm run docs)", () => {
    const readme = fs.readFileSync(readmePath(), "utf8");
    expect(renderReadme(readme)).toBe(readme);
  });

  it("the pack's readme lists every policy from the same metadata", () => {
    const readme = renderPackReadme(policies);
    for (const policy of policies) expect(readme).toContain(`| \`${policy.name}\` | ${policy.severity} |`);
  });
});

/**
 * The policy wrappers: exemptions, per-resource error containment, unverifiable
 * outcomes handed to preview-verification-gaps, and configuration errors that name the
 * field, for resource policies (run in Analyze) and stack policies (run in AnalyzeStack).
 */
import * as aws from "@pulumi/aws";
import type { Policy, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { FixtureStack, unknown } from "../../kit/fixtures";
import { runPolicies } from "../../kit/inProcess";
import { integerField } from "../../policy-pack/lib/config";
import { defineResourcePolicy, defineStackPolicy } from "../../policy-pack/lib/define";
import { SATISFIED, unverifiable, violated } from "../../policy-pack/lib/outcome";
import { describe as describeResource } from "../../policy-pack/lib/stackIndex";
import { BACKUP_VAULT } from "../../policy-pack/lib/types";
import { stringField } from "../../policy-pack/lib/values";
import { previewVerificationGaps } from "../../policy-pack/policies/coverage/previewVerificationGaps";

const metadata = {
  description: "Every vault must have a short name.",
  area: "coverage" as const,
  nist: ["CP-9"],
  specification: "Test.",
  remediationSteps: "Name the vault.",
  remediation: { notFixed: "a test policy." },
  url: "https://example.com",
  config: { maxLength: integerField("Longest name.", 10, 1, 50) },
};

const vaultNameShort = defineResourcePolicy(
  { ...metadata, name: "test-vault-name-short", severity: "high" },
  {
    resourceTypes: BACKUP_VAULT,
    check(vault, { config }) {
      if (vault.name === "boom") throw new TypeError("a bug in the rule");
      const name = stringField(vault.props.name);
      if (name.state === "unknown") return unverifiable("name", "name is unknown during preview");
      if (name.state !== "known") return undefined;
      return name.value.length <= config.maxLength
        ? SATISFIED
        : violated(`${describeResource(vault)} has a name longer than ${config.maxLength}; shorten it.`);
    },
  },
);

const everyVaultStack = defineStackPolicy(
  { ...metadata, name: "test-every-vault", severity: "low" },
  {
    subjects: ({ index }) => index.ofType(BACKUP_VAULT),
    check: (vault) => violated(`${describeResource(vault)} exists.`),
  },
);

const URN = (name: string) => `urn:pulumi:test::fixture::aws:backup/vault:Vault::${name}`;

function stack(): FixtureStack {
  const s = new FixtureStack();
  s.add(aws.backup.Vault, "short", { name: "short" });
  s.add(aws.backup.Vault, "long", { name: "a-very-long-vault-name" });
  s.add(aws.backup.Vault, "computed", { name: unknown() });
  s.add(aws.backup.Vault, "boom", { name: "x" });
  return s;
}

describe("defineResourcePolicy", () => {
  it("reports on the resource, contains a throwing rule, and hands unknowns to preview-verification-gaps", async () => {
    const result = await runPolicies([vaultNameShort, previewVerificationGaps] as Policy[], stack().view());
    expect(result.diagnostics.map(({ policy, urn, message, enforcementLevel }) => ({ policy, urn, message, enforcementLevel }))).toEqual([
      {
        policy: "test-vault-name-short",
        urn: URN("long"),
        message: "Vault 'long' has a name longer than 10; shorten it.",
        enforcementLevel: "mandatory",
      },
      {
        policy: "preview-verification-gaps",
        urn: URN("computed"),
        message:
          "Vault 'computed': 1 control could not be verified during preview:\n- test-vault-name-short: name is unknown during preview.",
        enforcementLevel: "advisory",
      },
      {
        policy: "preview-verification-gaps",
        urn: URN("boom"),
        message:
          "Vault 'boom': 1 control could not be verified during preview:\n- test-vault-name-short: the policy could not evaluate it (TypeError).",
        enforcementLevel: "advisory",
      },
    ]);
  });

  it("applies configuration and exemptions", async () => {
    const config = {
      "test-vault-name-short": { maxLength: 30, exemptions: [{ resource: "b*", reason: "test" }] },
      "preview-verification-gaps": "disabled",
    };
    const result = await runPolicies([vaultNameShort, previewVerificationGaps] as Policy[], stack().view(), { policyPackConfig: config });
    expect(result.diagnostics).toEqual([]);
  });
});

describe("configuration the engine did not validate", () => {
  it("gives a clear violation naming the field instead of throwing", () => {
    const reported: [string, string | undefined][] = [];
    const report: ReportViolation = (message, urn) => void reported.push([String(message), urn]);
    const args = {
      resources: [],
      getConfig: () => ({ maxLength: "ten" }),
      stackTags: new Map(),
      notApplicable: () => undefined as never,
    } as unknown as StackValidationArgs;
    everyVaultStack.validateStack(args, report);
    expect(reported).toEqual([
      ["Invalid configuration for policy 'test-every-vault': 'maxLength' must be a whole number from 1 to 50.", undefined],
    ]);
  });
});

describe("a stack rule that fails to find its subjects", () => {
  it("becomes a gap on the stack, not a crash of the preview", async () => {
    const broken = defineStackPolicy(
      { ...metadata, name: "test-broken-subjects", severity: "high" },
      {
        subjects: () => {
          throw new RangeError("a bug in the rule");
        },
        check: () => SATISFIED,
      },
    );
    const result = await runPolicies([broken, previewVerificationGaps] as Policy[], stack().view());
    expect(result.diagnostics.map(({ policy, urn, message }) => ({ policy, urn, message }))).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: "urn:pulumi:test::fixture::pulumi:pulumi:Stack::fixture-test",
        message:
          "Stack 'fixture-test': 1 control could not be verified during preview:\n- test-broken-subjects: the policy could not evaluate it (RangeError).",
      },
    ]);
  });
});

import type { AnalyzerInfo, PolicyInfo } from "../../kit/engine/analyzer";
import { PolicyConfigError, reconcileConfig } from "../../kit/engine/config";

const policy = (name: string, enforcementLevel: PolicyInfo["enforcementLevel"], properties: Record<string, unknown> = {}): PolicyInfo => ({
  name,
  description: `${name} must hold.`,
  enforcementLevel,
  type: "stack",
  severity: "high",
  tags: [],
  remediationSteps: "",
  url: "",
  configSchema: { properties, required: [] },
});

const info: AnalyzerInfo = {
  name: "pack",
  version: "1.0.0",
  displayName: "",
  readme: "",
  initialConfig: {},
  policies: [
    policy("keys", "mandatory", {
      trustedKeyArns: { type: "array", items: { type: "string" }, default: [] },
      allowExternalKeyArns: { type: "boolean", default: true },
      exemptions: { type: "array", items: { type: "object", properties: { expires: { type: "string", format: "date" } } }, default: [] },
    }),
    policy("rotation", "advisory", { maxRotationDays: { type: "integer", minimum: 90, default: 365 } }),
  ],
};

function errorOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PolicyConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("expected a PolicyConfigError");
}

describe("reconcileConfig, as the Pulumi CLI reconciles --policy-pack-config", () => {
  it("starts from each policy's level and schema defaults", () => {
    expect(reconcileConfig(info)).toEqual({
      keys: { enforcementLevel: "mandatory", properties: { trustedKeyArns: [], allowExternalKeyArns: true, exemptions: [] } },
      rotation: { enforcementLevel: "advisory", properties: { maxRotationDays: 365 } },
    });
  });

  it("applies `all` to every level, lets a policy's own level win, and merges properties shallowly", () => {
    const config = reconcileConfig(info, {
      all: "disabled",
      keys: { enforcementLevel: "remediate", trustedKeyArns: ["arn:x"] },
      rotation: { maxRotationDays: 90 },
    });
    expect(config).toEqual({
      keys: { enforcementLevel: "remediate", properties: { trustedKeyArns: ["arn:x"], allowExternalKeyArns: true, exemptions: [] } },
      rotation: { enforcementLevel: "disabled", properties: { maxRotationDays: 90 } },
    });
  });

  it("applies the pack's initialConfig before the file", () => {
    const withInitial = { ...info, initialConfig: { rotation: { enforcementLevel: "mandatory", maxRotationDays: 180 } } };
    expect(reconcileConfig(withInitial, { rotation: "advisory" }).rotation).toEqual({
      enforcementLevel: "advisory",
      properties: { maxRotationDays: 180 },
    });
  });

  it("names the policy and field of every invalid value", () => {
    expect(
      errorOf(() =>
        reconcileConfig(info, {
          keys: { trustedKeyArns: "arn:x", exemptions: [{ expires: "next tuesday" }] },
          rotation: { maxRotationDays: 30 },
          all: "strict",
        }),
      ),
    ).toEqual([
      'all: "strict" is not an enforcement level (advisory, mandatory, remediate, disabled)',
      "keys: trustedKeyArns: must be array",
      'keys: exemptions.0.expires: must match format "date"',
      "rotation: maxRotationDays: must be >= 90",
    ]);
    expect(errorOf(() => reconcileConfig(info, []))).toEqual([
      'the policy pack config must be a JSON object keyed by policy name or "all"',
    ]);
  });

  it("forwards names that are not policies, as the CLI does, with a warning; without a level they fail", () => {
    const warnings: string[] = [];
    const config = reconcileConfig(info, { rotaton: "mandatory", all: { enforcementLevel: "advisory", maxRotationDays: 90 } }, warnings);
    expect(config.rotaton).toEqual({ enforcementLevel: "mandatory", properties: {} });
    expect(config.rotation).toEqual({ enforcementLevel: "advisory", properties: { maxRotationDays: 365 } });
    expect(warnings).toEqual([
      '"rotaton" is not a policy of pack; its configuration is ignored',
      '"all" sets only the enforcement level of every policy; its maxRotationDays are ignored',
    ]);
    expect(errorOf(() => reconcileConfig(info, { rotaton: { maxRotationDays: 90 } }))).toEqual([
      'rotaton: invalid enforcement level "" ("rotaton" is not a policy of pack)',
    ]);
  });
});

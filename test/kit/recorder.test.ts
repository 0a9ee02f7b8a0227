/**
 * The recorder reproduces the engine's view of a program's preview: engine URNs with the
 * full parent type chain, default providers with the stack's config, explicit providers
 * with JSON-encoded inputs, flattened secrets, edges, and unknown computed outputs.
 */
import * as path from "path";
import type { Policy } from "@pulumi/policy";
import { runPolicies } from "../../kit/inProcess";
import { recordProgram } from "../../kit/recorder";
import { policies } from "../../policy-pack/policies";
import { UNKNOWN_SENTINEL, type EngineView } from "../../kit/view";

const PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "components");
const prefix = "urn:pulumi:dev::components::";

let preview: EngineView;
let known: EngineView;

beforeAll(async () => {
  [preview, known] = await Promise.all([recordProgram(PROGRAM), recordProgram(PROGRAM, { mode: "known" })]);
});

const byName = (view: EngineView, name: string) => view.resources.find((r) => r.name === name)!;

describe("recordProgram", () => {
  it("names resources with engine URNs: the full parent type chain, the root stack skipped", () => {
    expect(preview.resources.map((r) => r.urn).sort()).toEqual(
      [
        "pulumi:pulumi:Stack::components-dev",
        "pulumi:providers:aws::default_7_48_0",
        "pulumi:providers:aws::tagged",
        "aws:s3/bucket:Bucket::secret-bucket",
        "acme:platform:Platform::platform",
        "acme:platform:Platform$aws:kms/key:Key::platform-key",
        "acme:platform:Platform$acme:backup:Store::platform-store",
        "acme:platform:Platform$acme:backup:Store$aws:backup/vault:Vault::platform-store-vault",
        "aws:kms/key:Key::existing-key",
        "aws:backup/vault:Vault::existing-key-vault",
      ]
        .map((tail) => prefix + tail)
        .sort(),
    );
    expect(preview.resources[0]?.type).toBe("pulumi:pulumi:Stack");
    expect(byName(preview, "platform-store-vault").parent).toBe(`${prefix}acme:platform:Platform$acme:backup:Store::platform-store`);
    expect(byName(preview, "platform").parent).toBe(`${prefix}pulumi:pulumi:Stack::components-dev`);
  });

  it("synthesises the default provider from the stack's config and references providers by URN and id", () => {
    const provider = byName(preview, "default_7_48_0");
    expect(provider.inputs).toEqual({ region: "eu-west-1", version: "7.48.0" });
    expect(byName(preview, "platform-key").provider).toBe(`${prefix}pulumi:providers:aws::default_7_48_0::${UNKNOWN_SENTINEL}`);
    expect(byName(preview, "secret-bucket").provider).toBe(`${prefix}pulumi:providers:aws::tagged::${UNKNOWN_SENTINEL}`);
    expect(byName(known, "platform-key").provider).toBe(`${prefix}pulumi:providers:aws::default_7_48_0::default_7_48_0-id`);
    expect(byName(preview, "platform").provider).toBeUndefined();
  });

  it("keeps explicit provider inputs as @pulumi/aws registers them: non-strings JSON-encoded", () => {
    expect(JSON.parse(String(byName(preview, "tagged").inputs.defaultTags))).toEqual({ tags: { purpose: "backup", owner: "platform" } });
    expect(byName(preview, "tagged").inputs.region).toBe("us-west-2");
  });

  it("keeps secrets wrapped as the engine sends them to an analyzer, and keeps additionalSecretOutputs", () => {
    const bucket = byName(preview, "secret-bucket");
    expect(bucket.inputs.tags).toEqual({
      token: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" },
    });
    expect(bucket.options.additionalSecretOutputs).toEqual(["tags"]);
  });

  it("records propertyDependencies; in preview the key's ARN is unknown, in an update it is known", () => {
    const vault = byName(preview, "platform-store-vault");
    expect(vault.propertyDependencies).toEqual({ kmsKeyArn: [`${prefix}acme:platform:Platform$aws:kms/key:Key::platform-key`] });
    expect(vault.inputs.kmsKeyArn).toBe(UNKNOWN_SENTINEL);
    expect(byName(known, "platform-store-vault").inputs.kmsKeyArn).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\/[0-9a-f-]{36}$/);
  });

  it("records a resource the program reads as external, with known outputs, and edges to it", async () => {
    const key = byName(preview, "existing-key");
    expect(key.external).toBe(true);
    expect(key.outputs.id).toBe("1234abcd-12ab-34cd-56ef-1234567890ab");
    expect(key.outputs.arn).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\//);
    expect(byName(preview, "existing-key-vault").propertyDependencies).toEqual({ kmsKeyArn: [key.urn] });
    const custody = policies.filter((policy) => policy.area === "encryption");
    const result = await runPolicies(custody as readonly Policy[], preview);
    expect(result.diagnostics.filter((d) => d.urn.endsWith("::existing-key-vault"))).toEqual([]);
  });

  it("runs a program that exports a function, as the language host does", async () => {
    const view = await recordProgram(path.join(__dirname, "..", "fixtures", "programs", "function-export"));
    expect(view.resources.map((r) => r.urn)).toContain("urn:pulumi:dev::function-export::aws:backup/vault:Vault::late-vault");
  });

  it("makes every output the program did not set unknown in preview, and none in an update", () => {
    const key = byName(preview, "platform-key");
    expect(key.outputs).toMatchObject({
      enableKeyRotation: true,
      arn: UNKNOWN_SENTINEL,
      keyId: UNKNOWN_SENTINEL,
      rotationPeriodInDays: UNKNOWN_SENTINEL,
      id: UNKNOWN_SENTINEL,
    });
    expect(Object.values(byName(known, "platform-key").outputs)).not.toContain(UNKNOWN_SENTINEL);
    expect(preview.dryRun).toBe(true);
    expect(known.dryRun).toBe(false);
  });
});

import * as aws from "@pulumi/aws";
import type { StackValidationPolicy } from "@pulumi/policy";
import { FixtureStack, ref, unknown } from "../../kit/fixtures";
import { runPolicies } from "../../kit/inProcess";
import { StackIndex } from "../../policy-pack/lib/stackIndex";
import { KMS_KEY, S3_BUCKET } from "../../policy-pack/lib/types";
import { UNKNOWN } from "../../policy-pack/lib/values";

/** Indexes the resources the SDK hands validateStack, inside a stack policy run as the engine runs it. */
async function indexOf(stack: FixtureStack): Promise<StackIndex> {
  let index: StackIndex | undefined;
  const capture: StackValidationPolicy = {
    name: "capture",
    description: "Captures the index.",
    validateStack: (args) => void (index = StackIndex.fromPolicyResources(args.resources)),
  };
  await runPolicies([capture], stack.view());
  return index!;
}

describe("StackIndex", () => {
  it("indexes by type (every alias), by URN, and edges in both directions", async () => {
    const stack = new FixtureStack();
    const key = stack.add(aws.kms.Key, "key", {});
    const v1 = stack.add(aws.s3.Bucket, "b1", {});
    stack.add(aws.s3.BucketV2, "b2", {});
    stack.add(aws.backup.Vault, "vault", { kmsKeyArn: ref(key, "arn"), tags: { bucket: ref(v1, "id") } });
    const index = await indexOf(stack);
    expect(index.ofType(S3_BUCKET).map((r) => r.name)).toEqual(["b1", "b2"]);
    const vault = index.get(stack.view().resources.find((r) => r.name === "vault")!.urn)!;
    expect(index.dependenciesOf(vault, "kmsKeyArn").map((r) => r.name)).toEqual(["key"]);
    expect(index.dependenciesOf(vault, "tags", KMS_KEY)).toEqual([]);
    expect(index.referrersOf(index.ofType(KMS_KEY)[0]!).map((r) => [r.resource.name, r.property])).toEqual([["vault", "kmsKeyArn"]]);
    expect(vault.props.kmsKeyArn).toBe(UNKNOWN);
  });

  it("reads an unknown no resource produced as left to the provider during preview only", async () => {
    for (const mode of ["preview", "known"] as const) {
      const stack = new FixtureStack({ mode });
      stack.add(aws.kms.Key, "key", { description: unknown() });
      const index = await indexOf(stack);
      const key = index.ofType(KMS_KEY)[0]!;
      expect([mode, index.setting(key, ["description"])]).toEqual([mode, mode === "preview" ? undefined : UNKNOWN]);
    }
  });

  it("computes a derived fact once per index", async () => {
    const index = await indexOf(new FixtureStack());
    let computed = 0;
    const fact = () => index.memo("fact", () => ++computed);
    expect([fact(), fact(), computed]).toEqual([1, 1, 1]);
  });
});

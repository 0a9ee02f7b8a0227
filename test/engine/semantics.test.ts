/**
 * The engine emulator applies the CLI's enforcement semantics to any pack: remediations
 * replace inputs before Analyze, unknown reads become advisory, `initialConfig` and the
 * config file are reconciled, disabled policies are skipped, mandatory fails.
 */
import * as aws from "@pulumi/aws";
import * as path from "path";
import { PackProcess } from "../../kit/engine/analyzer";
import { formatResult } from "../../kit/engine/format";
import { analyzeView } from "../../kit/engine/run";
import { FixtureStack, unknown } from "../../kit/fixtures";

const PACK = path.join(__dirname, "..", "fixtures", "packs", "semantics");
const BUCKET_URN = "urn:pulumi:test::fixture::aws:s3/bucket:Bucket::bucket";
const V2_URN = "urn:pulumi:test::fixture::aws:s3/bucketV2:BucketV2::computed-name";
let pack: PackProcess;

beforeAll(async () => {
  pack = await PackProcess.start(PACK);
});

afterAll(async () => {
  await pack.stop();
});

function bucketStack() {
  const stack = new FixtureStack();
  stack.add(aws.s3.Bucket, "bucket", { tags: { team: "a" } });
  stack.add(aws.s3.BucketV2, "computed-name", { bucket: unknown() });
  return stack.view();
}

describe("enforcement semantics of the engine emulator", () => {
  it("remediates, turns unknown reads advisory, applies initialConfig and config, skips disabled, fails on mandatory", async () => {
    const result = await analyzeView(pack, bucketStack(), { policyPackConfig: { "disabled-by-config": "disabled" } });
    expect(result.remediations).toEqual([
      { policy: "remediate-tags", urn: BUCKET_URN, properties: { tags: { before: { team: "a" }, after: { remediated: "yes" } } } },
    ]);
    expect(result.diagnostics.map(({ policy, urn, enforcementLevel, message }) => ({ policy, urn, enforcementLevel, message }))).toEqual([
      {
        policy: "remediate-v2",
        urn: V2_URN,
        enforcementLevel: "advisory",
        message:
          "can't run remediation 'remediate-v2' from policy pack 'semantics@v1.2.3' during preview: string value at .bucket can't be known during preview",
      },
      {
        policy: "unknown-reader",
        urn: V2_URN,
        enforcementLevel: "advisory",
        message:
          "can't run policy 'unknown-reader' from policy pack 'semantics@v1.2.3' during preview: string value at .bucket can't be known during preview",
      },
      { policy: "always-mandatory", urn: BUCKET_URN, enforcementLevel: "mandatory", message: "limit is 2" },
    ]);
    expect(result.failed).toBe(true);
    expect(result.pack).toEqual({ name: "semantics", version: "1.2.3" });
  });

  it("lets the config file lower a level, and prints the CLI's policy section", async () => {
    const result = await analyzeView(pack, bucketStack(), {
      policyPackConfig: { "disabled-by-config": "disabled", "always-mandatory": { enforcementLevel: "advisory", limit: 5 } },
    });
    expect(result.failed).toBe(false);
    expect(formatResult(result, "semantics")).toBe(
      [
        "Policies:",
        "    ⚠️ semantics@v1.2.3 (local: semantics)",
        "        - [remediate]  remediate-tags  (1 resource)",
        "        - [advisory]  always-mandatory  (aws:s3/bucket:Bucket: bucket)",
        "          Every stack must fail this.",
        "          limit is 5",
        "        - [advisory]  remediate-v2  (aws:s3/bucketV2:BucketV2: computed-name)",
        "          BucketV2 inputs must be copied.",
        "          can't run remediation 'remediate-v2' from policy pack 'semantics@v1.2.3' during preview: string value at .bucket can't be known during preview",
        "        - [advisory]  unknown-reader  (aws:s3/bucketV2:BucketV2: computed-name)",
        "          Buckets must have a known name.",
        "          can't run policy 'unknown-reader' from policy pack 'semantics@v1.2.3' during preview: string value at .bucket can't be known during preview",
      ].join("\n"),
    );
  });
});

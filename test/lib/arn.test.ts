import { formatArn, parseArnPattern, partitionOf } from "../../policy-pack/lib/arn";

describe("ARNs", () => {
  it.each([
    ["us-east-1", "aws"],
    ["eu-central-2", "aws"],
    ["cn-north-1", "aws-cn"],
    ["cn-northwest-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
    ["us-iso-east-1", "aws-iso"],
    ["us-isob-east-1", "aws-iso-b"],
    ["eu-isoe-west-1", "aws-iso-e"],
    ["us-isof-south-1", "aws-iso-f"],
    ["eusc-de-east-1", "aws-eusc"],
  ])("names the partition of %s %s", (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });

  it("builds ARNs in the region's partition, and parses patterns with a wildcard partition", () => {
    expect(formatArn({ service: "kms", region: "cn-north-1", account: "123456789012", resource: "key/k" })).toBe(
      "arn:aws-cn:kms:cn-north-1:123456789012:key/k",
    );
    expect(formatArn({ service: "s3", region: "", regionOfPartition: "us-gov-east-1", account: "", resource: "b" })).toBe(
      "arn:aws-us-gov:s3:::b",
    );
    expect(parseArnPattern("arn:*:rds:*:*:db:prod-*")).toEqual({
      partition: "*",
      service: "rds",
      region: "*",
      account: "*",
      resource: "db:prod-*",
    });
    expect(parseArnPattern("arn:foo:rds:*:*:db:x")).toBeUndefined();
  });
});

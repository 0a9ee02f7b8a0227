import { classifyKeyLiteral } from "../../../policy-pack/lib/kms/keys";

describe("classifyKeyLiteral", () => {
  it.each([
    ["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "key-arn"],
    ["arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab", "key-arn"],
    ["1234abcd-12ab-34cd-56ef-1234567890ab", "key-arn"],
    ["mrk-1234abcd12ab34cd56ef1234567890ab", "key-arn"],
    ["arn:aws:kms:us-east-1:111122223333:alias/aws/backup", "aws-managed-alias"],
    ["alias/aws/s3", "aws-managed-alias"],
    ["alias/backups", "alias"],
    ["arn:aws:kms:us-east-1:111122223333:alias/backups", "alias"],
    ["arn:aws:kms:us-east-1:111122223333:grant/x", "invalid"],
    ["arn:aws:kms:us-east-1:11112222333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "invalid"],
    ["arn:aws:kms:us-east-1:111122223333:key/1234abcd", "invalid"],
    ["arn:aws:kms::111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab", "invalid"],
    ["arn:aws:kms:us-east-1:abc:alias/backups", "invalid"],
    ["arn:aws:s3:::bucket", "invalid"],
    ["not-a-key", "invalid"],
  ])("%s is %s", (literal, kind) => {
    expect(classifyKeyLiteral(literal).kind).toBe(kind);
  });
});

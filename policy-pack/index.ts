import { PolicyPack } from "@pulumi/policy";
import { renderPackReadme } from "./lib/docs";
import { policies } from "./policies";

// Top-level code reads neither stack nor config: `pulumi policy publish` boots the pack without them.
new PolicyPack("aws-backup-guardrails", {
  description: "Backup controls the AWS shared-responsibility model leaves to the customer, proven at preview time.",
  displayName: "AWS backup guardrails",
  provider: "aws",
  tags: ["aws", "backup", "nist-800-53", "cp-9"],
  policies: [...policies],
  readme: renderPackReadme(policies),
});

// A key policy that names a role created in the same stack: during the first preview the
// role's ARN, and so the whole policy document, is unknown. The pack says which control
// it could not verify and why, instead of passing it silently or failing it falsely;
// `pulumi up` (or `backup-guardrails preview --known`) verifies it once the ARN is known.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const account = aws.getCallerIdentityOutput().accountId;

const restoreOperator = new aws.iam.Role("restore-operator", {
  assumeRolePolicy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole" }],
  }),
});

const key = new aws.kms.Key("gap-key", {
  enableKeyRotation: true,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Admin",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "RestoreOperator",
        Effect: "Allow",
        Principal: { AWS: restoreOperator.arn },
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: "*",
      },
    ],
  }),
});

const vault = new aws.backup.Vault("gap-vault", { kmsKeyArn: key.arn });

// Who may destroy recovery points is settled by the vault policy, known at preview.
new aws.backup.VaultPolicy("gap-vault-policy", {
  backupVaultName: vault.name,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Deny",
        Principal: "*",
        Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"],
        Resource: "*",
      },
    ],
  }),
});

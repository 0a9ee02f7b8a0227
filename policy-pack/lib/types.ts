/**
 * Type tokens, grouped so that every alias of a resource counts. `@pulumi/aws` 7 keeps
 * deprecated tokens (`BucketV2`, `…V2` split resources) beside the current ones, and a
 * program may use either.
 */
export type TypeSet = ReadonlySet<string>;

function types(...tokens: string[]): TypeSet {
  return new Set(tokens);
}

export const BACKUP_VAULT = types("aws:backup/vault:Vault");
export const AIR_GAPPED_VAULT = types("aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault");
export const BACKUP_SELECTION = types("aws:backup/selection:Selection");
export const BACKUP_PLAN = types("aws:backup/plan:Plan");
/** Resources that run workloads as an IAM role. */
export const LAMBDA_FUNCTION = types("aws:lambda/function:Function");
export const ECS_TASK_DEFINITION = types("aws:ecs/taskDefinition:TaskDefinition");
export const EKS_POD_IDENTITY_ASSOCIATION = types("aws:eks/podIdentityAssociation:PodIdentityAssociation");
export const BACKUP_VAULT_LOCK = types("aws:backup/vaultLockConfiguration:VaultLockConfiguration");
export const RESTORE_TESTING_SELECTION = types("aws:backup/restoreTestingSelection:RestoreTestingSelection");
export const BACKUP_VAULT_POLICY = types("aws:backup/vaultPolicy:VaultPolicy");
export const BACKUP_VAULT_NOTIFICATIONS = types("aws:backup/vaultNotifications:VaultNotifications");
export const RESTORE_TESTING_PLAN = types("aws:backup/restoreTestingPlan:RestoreTestingPlan");
export const BACKUP_FRAMEWORK = types("aws:backup/framework:Framework");
export const BACKUP_REPORT_PLAN = types("aws:backup/reportPlan:ReportPlan");

export const EC2_VOLUME_ATTACHMENT = types("aws:ec2/volumeAttachment:VolumeAttachment");
export const EBS_ENCRYPTION_BY_DEFAULT = types("aws:ebs/encryptionByDefault:EncryptionByDefault");
export const EBS_DEFAULT_KMS_KEY = types("aws:ebs/defaultKmsKey:DefaultKmsKey");

export const S3_BUCKET = types("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2");
export const S3_BUCKET_ENCRYPTION = types(
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
);
export const S3_BUCKET_REPLICATION = types("aws:s3/bucketReplicationConfig:BucketReplicationConfig");
export const S3_BUCKET_POLICY = types("aws:s3/bucketPolicy:BucketPolicy");
export const S3_BUCKET_PUBLIC_ACCESS_BLOCK = types("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
export const S3_ACCOUNT_PUBLIC_ACCESS_BLOCK = types("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock");
export const S3_BUCKET_VERSIONING = types("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2");
export const S3_BUCKET_OBJECT_LOCK = types(
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
);
export const S3_BUCKET_LIFECYCLE = types(
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
);

/** Keys whose material and policy the customer controls. */
export const KMS_KEY = types("aws:kms/key:Key");
export const KMS_REPLICA_KEY = types("aws:kms/replicaKey:ReplicaKey");
export const KMS_EXTERNAL_KEY = types("aws:kms/externalKey:ExternalKey");
export const KMS_REPLICA_EXTERNAL_KEY = types("aws:kms/replicaExternalKey:ReplicaExternalKey");
export const KMS_CUSTOMER_KEY = union(KMS_KEY, KMS_REPLICA_KEY, KMS_EXTERNAL_KEY, KMS_REPLICA_EXTERNAL_KEY);
export const KMS_ALIAS = types("aws:kms/alias:Alias");
export const KMS_KEY_POLICY = types("aws:kms/keyPolicy:KeyPolicy");

export const IAM_ROLE = types("aws:iam/role:Role");
export const IAM_USER = types("aws:iam/user:User");
export const IAM_GROUP = types("aws:iam/group:Group");
export const IAM_IDENTITY = union(IAM_ROLE, IAM_USER, IAM_GROUP);
export const IAM_POLICY = types("aws:iam/policy:Policy");
export const IAM_ROLE_POLICY = types("aws:iam/rolePolicy:RolePolicy");
export const IAM_USER_POLICY = types("aws:iam/userPolicy:UserPolicy");
export const IAM_GROUP_POLICY = types("aws:iam/groupPolicy:GroupPolicy");
export const IAM_ROLE_POLICY_ATTACHMENT = types("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
export const IAM_USER_POLICY_ATTACHMENT = types("aws:iam/userPolicyAttachment:UserPolicyAttachment");
export const IAM_GROUP_POLICY_ATTACHMENT = types("aws:iam/groupPolicyAttachment:GroupPolicyAttachment");
export const IAM_POLICY_ATTACHMENT = types("aws:iam/policyAttachment:PolicyAttachment");
export const IAM_ROLE_POLICY_ATTACHMENTS_EXCLUSIVE = types("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive");
export const IAM_USER_POLICY_ATTACHMENTS_EXCLUSIVE = types("aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive");
export const IAM_GROUP_POLICY_ATTACHMENTS_EXCLUSIVE = types("aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive");
export const IAM_GROUP_MEMBERSHIP = types("aws:iam/groupMembership:GroupMembership");
export const IAM_USER_GROUP_MEMBERSHIP = types("aws:iam/userGroupMembership:UserGroupMembership");
export const IAM_INSTANCE_PROFILE = types("aws:iam/instanceProfile:InstanceProfile");

export function union(...sets: TypeSet[]): TypeSet {
  return new Set(sets.flatMap((set) => [...set]));
}

/** "aws:backup/vault:Vault" → "Vault": the class name users write in their programs. */
export function className(type: string): string {
  const parts = type.split(":");
  return parts[parts.length - 1] || type;
}

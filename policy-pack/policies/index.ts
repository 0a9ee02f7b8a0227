import type { BackupPolicy } from "../lib/define";
import { backupAuditReportingConfigured } from "./coverage/backupAuditReportingConfigured";
import { backupPlanHasSelection } from "./coverage/backupPlanHasSelection";
import { backupVaultNotificationsEnabled } from "./coverage/backupVaultNotificationsEnabled";
import { dataStoreCustomerManagedKey } from "./coverage/dataStoreCustomerManagedKey";
import { dataStoreInBackupPlan } from "./coverage/dataStoreInBackupPlan";
import { dataStoreNativeBackupsEnabled } from "./coverage/dataStoreNativeBackupsEnabled";
import { previewVerificationGaps } from "./coverage/previewVerificationGaps";
import { restoreTestingConfigured } from "./coverage/restoreTestingConfigured";
import { backupBucketCustomerManagedKey } from "./encryption/backupBucketCustomerManagedKey";
import { backupKeyDeletionProtected } from "./encryption/backupKeyDeletionProtected";
import { backupKeyPolicyRestricted } from "./encryption/backupKeyPolicyRestricted";
import { backupKeyRotationEnabled } from "./encryption/backupKeyRotationEnabled";
import { backupVaultCustomerManagedKey } from "./encryption/backupVaultCustomerManagedKey";
import { backupBucketCrossRegionReplication } from "./replication/backupBucketCrossRegionReplication";
import { backupPlanCrossRegionCopy } from "./replication/backupPlanCrossRegionCopy";
import { backupBucketLifecycleRetention } from "./retention/backupBucketLifecycleRetention";
import { backupBucketObjectLockEnabled } from "./retention/backupBucketObjectLockEnabled";
import { backupBucketVersioningEnabled } from "./retention/backupBucketVersioningEnabled";
import { backupPlanFrequency } from "./retention/backupPlanFrequency";
import { backupPlanMinimumRetention } from "./retention/backupPlanMinimumRetention";
import { backupBucketDeletionDenied } from "./identity/backupBucketDeletionDenied";
import { backupVaultLocked } from "./retention/backupVaultLocked";
import { backupBucketPublicAccessBlocked } from "./identity/backupBucketPublicAccessBlocked";
import { backupRoleDedicated } from "./identity/backupRoleDedicated";
import { backupRoleLeastPrivilege } from "./identity/backupRoleLeastPrivilege";
import { backupVaultDeletionDenied } from "./identity/backupVaultDeletionDenied";
import { workloadIdentityCannotDestroyBackups } from "./identity/workloadIdentityCannotDestroyBackups";

/**
 * The pack's one explicit list of policies, in the order the engine runs them.
 * `preview-verification-gaps` stays last: it reports what the others could not verify.
 */
export const policies: readonly BackupPolicy[] = [
  backupVaultCustomerManagedKey,
  backupBucketCustomerManagedKey,
  backupKeyRotationEnabled,
  backupKeyDeletionProtected,
  backupKeyPolicyRestricted,
  backupPlanMinimumRetention,
  backupPlanFrequency,
  backupRoleDedicated,
  backupRoleLeastPrivilege,
  workloadIdentityCannotDestroyBackups,
  backupVaultDeletionDenied,
  backupBucketDeletionDenied,
  backupBucketPublicAccessBlocked,
  dataStoreNativeBackupsEnabled,
  backupVaultNotificationsEnabled,
  backupBucketObjectLockEnabled,
  backupBucketVersioningEnabled,
  backupBucketLifecycleRetention,
  dataStoreInBackupPlan,
  backupPlanHasSelection,
  dataStoreCustomerManagedKey,
  restoreTestingConfigured,
  backupAuditReportingConfigured,
  backupVaultLocked,
  backupPlanCrossRegionCopy,
  backupBucketCrossRegionReplication,
  previewVerificationGaps,
];

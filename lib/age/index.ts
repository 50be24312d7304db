export { cleanLeftovers, writeFileAtomic, TEMP_PREFIX, CRASH_BEFORE_RENAME_VARIABLE } from './atomic-write';
export type { AtomicWriteOptions } from './atomic-write';
export { ageFormat, decryptAge, encryptArmored, ARMOR_BEGIN } from './cipher';
export {
  defaultIdentityFile,
  describeIdentitySource,
  parseIdentities,
  resolveIdentities,
  SECRETS_AGE_KEY,
  SECRETS_AGE_KEY_FILE,
} from './identities';
export type { IdentityOptions, IdentitySource, ResolvedIdentities } from './identities';
export { parseRecipients, readRecipientsFile, recipientProblem, recipientsFor, RECIPIENTS_FILE } from './recipients';
export type { RecipientsFile } from './recipients';

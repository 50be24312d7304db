/** What every representation of a loaded DTO shows instead of a secret value (and what masking writes over one). */
export const REDACTED = '[REDACTED]';

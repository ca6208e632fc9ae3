/**
 * Account limits and error codes without dependencies, so that client
 * components (the sign-up form) can import them without pulling in zod.
 */

export const PASSWORD_MIN_LENGTH = 12;
/** Upper bound so that a request cannot make the server normalise and hash megabytes. */
export const PASSWORD_MAX_LENGTH = 128;
export const SHOP_NAME_MIN_LENGTH = 2;
export const SHOP_NAME_MAX_LENGTH = 80;
/** Maximum email length: the 256-octet SMTP path limit of RFC 5321 minus the two angle brackets. */
export const EMAIL_MAX_LENGTH = 254;

export const ACCOUNT_ERROR_CODES = [
  "email_invalid",
  "email_taken",
  "password_too_short",
  "password_too_long",
  "password_same_as_email",
  "password_mismatch",
  "shop_name_too_short",
  "shop_name_too_long",
] as const;
export type AccountErrorCode = (typeof ACCOUNT_ERROR_CODES)[number];

export const ACCOUNT_ERROR_MESSAGES: Record<AccountErrorCode, string> = {
  email_invalid: "Enter a valid email address, like name@example.com.",
  email_taken: "An account with this email already exists. Sign in instead.",
  password_too_short: `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`,
  password_too_long: `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`,
  password_same_as_email: "The password must not be the same as the email address.",
  password_mismatch: "The two passwords do not match.",
  shop_name_too_short: `The shop name must be at least ${SHOP_NAME_MIN_LENGTH} characters long.`,
  shop_name_too_long: `The shop name must be at most ${SHOP_NAME_MAX_LENGTH} characters long.`,
};

export type SignUpField = "shopName" | "email" | "password" | "confirmPassword";

export type FieldErrors<Field extends string> = Partial<Record<Field, AccountErrorCode>>;

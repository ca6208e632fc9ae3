/**
 * Input rules for accounts, shared by the sign-up form, the sign-up API and
 * the create-admin command. Each failed rule has a stable code: forms look the
 * code up in the "auth.errors" messages, the JSON API returns the code with an
 * English message.
 */
import { z } from "zod";

import {
  ACCOUNT_ERROR_CODES,
  EMAIL_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  SHOP_NAME_MAX_LENGTH,
  SHOP_NAME_MIN_LENGTH,
  type AccountErrorCode,
  type FieldErrors,
  type SignUpField,
} from "./account-rules";

export * from "./account-rules";

/** Trims and lower-cases an email so that sign-up and sign-in match regardless of case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Length in Unicode code points, so that a Chinese or emoji password counts the characters a person typed. */
function characterCount(value: string): number {
  return [...value.normalize("NFKC")].length;
}

/** Returns the first rule a new password breaks, or undefined when it is acceptable. */
export function checkNewPassword(password: string, email?: string): AccountErrorCode | undefined {
  const length = characterCount(password);
  if (length < PASSWORD_MIN_LENGTH) return "password_too_short";
  if (length > PASSWORD_MAX_LENGTH) return "password_too_long";
  if (email !== undefined && normalizeEmail(password) === normalizeEmail(email)) return "password_same_as_email";
  return undefined;
}

export const emailSchema = z
  .string()
  .transform(normalizeEmail)
  .pipe(z.email({ error: "email_invalid" }).max(EMAIL_MAX_LENGTH, { error: "email_invalid" }));

const shopNameSchema = z
  .string()
  .trim()
  .refine((value) => characterCount(value) >= SHOP_NAME_MIN_LENGTH, { error: "shop_name_too_short" })
  .refine((value) => characterCount(value) <= SHOP_NAME_MAX_LENGTH, { error: "shop_name_too_long" });

export interface SignUpInput {
  shopName: string;
  /** Normalised with `normalizeEmail`. */
  email: string;
  password: string;
}

function isAccountErrorCode(value: string): value is AccountErrorCode {
  return (ACCOUNT_ERROR_CODES as readonly string[]).includes(value);
}

function firstErrorCode(error: z.ZodError, fallback: AccountErrorCode): AccountErrorCode {
  const message = error.issues[0]?.message ?? fallback;
  return isAccountErrorCode(message) ? message : fallback;
}

/**
 * Validates sign-up input field by field, so that one submission reports
 * every invalid field at once. A missing or non-string field counts as empty.
 * confirmPassword is checked only when present, because JSON clients may
 * leave it out (the form always sends it).
 */
export function parseSignUp(
  raw: Record<string, unknown>,
): { ok: true; value: SignUpInput } | { ok: false; fieldErrors: FieldErrors<SignUpField> } {
  const text = (key: string) => (typeof raw[key] === "string" ? (raw[key] as string) : "");
  const fieldErrors: FieldErrors<SignUpField> = {};

  const shopName = shopNameSchema.safeParse(text("shopName"));
  if (!shopName.success) fieldErrors.shopName = firstErrorCode(shopName.error, "shop_name_too_short");

  const email = emailSchema.safeParse(text("email"));
  if (!email.success) fieldErrors.email = firstErrorCode(email.error, "email_invalid");

  const password = text("password");
  const passwordProblem = checkNewPassword(password, email.success ? email.data : undefined);
  if (passwordProblem) fieldErrors.password = passwordProblem;

  const confirmPassword = raw.confirmPassword;
  if (!passwordProblem && typeof confirmPassword === "string" && confirmPassword !== password) {
    fieldErrors.confirmPassword = "password_mismatch";
  }

  if (!shopName.success || !email.success || Object.keys(fieldErrors).length > 0) {
    return { ok: false, fieldErrors };
  }
  return { ok: true, value: { shopName: shopName.data, email: email.data, password } };
}

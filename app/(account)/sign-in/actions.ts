"use server";

import { AuthError } from "next-auth";

import { signIn } from "@/auth";
import { RateLimitedSignIn } from "@/lib/auth/config";
import { safeReturnPath } from "@/lib/auth/return-path";

import type { SignInState } from "./state";

/** Return path after a successful sign-in when the form carries none. */
const DEFAULT_RETURN_PATH = "/merchant";

/**
 * Signs in with the form's email and password. On success Auth.js sets the
 * session cookie and `signIn` redirects (by throwing Next.js's redirect, which
 * must propagate). On failure the form state carries an error code, and the
 * message never reveals whether the email or the password was wrong.
 */
export async function signInAction(_previous: SignInState, formData: FormData): Promise<SignInState> {
  const email = String(formData.get("email") ?? "").trim();
  const password = String(formData.get("password") ?? "");
  const redirectTo = safeReturnPath(formData.get("callbackUrl"), DEFAULT_RETURN_PATH);

  const fieldErrors: SignInState["fieldErrors"] = {};
  if (email.length === 0) fieldErrors.email = "email_required";
  if (password.length === 0) fieldErrors.password = "password_required";
  if (fieldErrors.email || fieldErrors.password) return { email, fieldErrors };

  try {
    await signIn("credentials", { email, password, redirectTo });
  } catch (error) {
    if (error instanceof RateLimitedSignIn) {
      return { email, fieldErrors, error: "rate_limited", retryAfterMinutes: Math.max(1, Math.ceil(error.retryAfterMs / 60_000)) };
    }
    if (error instanceof AuthError) {
      return { email, fieldErrors, error: error.type === "CredentialsSignin" ? "invalid_credentials" : "sign_in_failed" };
    }
    throw error;
  }
  return { email, fieldErrors };
}

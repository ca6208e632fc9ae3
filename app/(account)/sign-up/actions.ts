"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AuthError } from "next-auth";

import { signIn } from "@/auth";
import { signUpMerchant } from "@/lib/auth/sign-up";
import { clientAddress } from "@/lib/auth/throttle";
import { getDatabase } from "@/lib/db/client";

import type { SignUpState } from "./state";

/**
 * Creates the shop and its merchant account, then signs the new merchant in
 * and redirects to the dashboard. Should that automatic sign-in fail (for
 * example on the sign-in rate limit), the account still exists and the
 * merchant is sent to the sign-in page with a notice.
 */
export async function signUpAction(_previous: SignUpState, formData: FormData): Promise<SignUpState> {
  const raw = {
    shopName: String(formData.get("shopName") ?? ""),
    email: String(formData.get("email") ?? ""),
    password: String(formData.get("password") ?? ""),
    confirmPassword: String(formData.get("confirmPassword") ?? ""),
  };
  const values = { shopName: raw.shopName, email: raw.email };

  const address = clientAddress(await headers());
  const attempt = await signUpMerchant(getDatabase().prisma, raw, address);
  if (!attempt.ok) {
    if (attempt.reason === "rate_limited") {
      return { values, fieldErrors: {}, error: "rate_limited", retryAfterMinutes: Math.max(1, Math.ceil(attempt.retryAfterMs / 60_000)) };
    }
    return { values, fieldErrors: attempt.fieldErrors };
  }

  try {
    await signIn("credentials", { email: attempt.value.user.email, password: raw.password, redirectTo: "/merchant" });
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
  }
  redirect("/sign-in?notice=account_created&callbackUrl=%2Fmerchant");
}

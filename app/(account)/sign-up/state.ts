import type { FieldErrors, SignUpField } from "@/lib/auth/account-rules";

/** The sign-up form's state between submissions; passwords never come back to the browser. */
export interface SignUpState {
  values: { shopName: string; email: string };
  fieldErrors: FieldErrors<SignUpField>;
  error?: "rate_limited";
  retryAfterMinutes?: number;
}

export const INITIAL_SIGN_UP_STATE: SignUpState = { values: { shopName: "", email: "" }, fieldErrors: {} };

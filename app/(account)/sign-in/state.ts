/** The sign-in form's state between submissions; `email` refills the field, the password never comes back. */
export interface SignInState {
  email: string;
  fieldErrors: { email?: "email_required"; password?: "password_required" };
  error?: "invalid_credentials" | "rate_limited" | "sign_in_failed";
  retryAfterMinutes?: number;
}

export const INITIAL_SIGN_IN_STATE: SignInState = { email: "", fieldErrors: {} };

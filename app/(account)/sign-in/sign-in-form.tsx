"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";

import { ErrorSummary, type SummaryError } from "../_components/error-summary";
import { TextField } from "../_components/form-field";
import { signInAction } from "./actions";
import { INITIAL_SIGN_IN_STATE, type SignInState } from "./state";

const EMAIL_ID = "sign-in-email";
const PASSWORD_ID = "sign-in-password";

export interface SignInFormProps {
  callbackUrl: string;
  /** An error carried in the URL (from a redirect), shown until the form is submitted. */
  initialError?: SignInState["error"];
  initialEmail?: string;
}

export function SignInForm({ callbackUrl, initialError, initialEmail = "" }: SignInFormProps) {
  const t = useTranslations("auth");
  const [state, formAction, pending] = useActionState(signInAction, {
    ...INITIAL_SIGN_IN_STATE,
    email: initialEmail,
    error: initialError,
  });

  const formError = describeFormError(state, t);
  const emailError = state.fieldErrors.email ? t(`errors.${state.fieldErrors.email}`) : undefined;
  const passwordError = state.fieldErrors.password ? t(`errors.${state.fieldErrors.password}`) : undefined;

  const summary: SummaryError[] = [];
  if (formError) summary.push({ fieldId: EMAIL_ID, message: formError });
  if (emailError) summary.push({ fieldId: EMAIL_ID, message: emailError });
  if (passwordError) summary.push({ fieldId: PASSWORD_ID, message: passwordError });

  return (
    <form action={formAction} noValidate className="flex flex-col gap-5">
      <ErrorSummary title={t("errors.summaryTitle")} errors={summary} focusKey={state} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <TextField
        id={EMAIL_ID}
        name="email"
        type="email"
        label={t("signIn.email")}
        autoComplete="username"
        defaultValue={state.email}
        error={emailError}
        required
      />
      <TextField
        id={PASSWORD_ID}
        name="password"
        type="password"
        label={t("signIn.password")}
        autoComplete="current-password"
        error={passwordError}
        required
      />
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-neutral-900 px-4 py-2.5 font-medium text-white hover:bg-neutral-700 disabled:opacity-60"
      >
        {pending ? t("signIn.submitting") : t("signIn.submit")}
      </button>
    </form>
  );
}

function describeFormError(state: SignInState, t: ReturnType<typeof useTranslations<"auth">>): string | undefined {
  if (!state.error) return undefined;
  if (state.error !== "rate_limited") return t(`errors.${state.error}`);
  // A rate limit reported through the URL (Auth.js's own routes) carries no wait time.
  return state.retryAfterMinutes ? t("errors.rate_limited", { minutes: state.retryAfterMinutes }) : t("errors.rate_limited_later");
}

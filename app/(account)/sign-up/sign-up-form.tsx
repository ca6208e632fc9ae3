"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";

import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  SHOP_NAME_MAX_LENGTH,
  SHOP_NAME_MIN_LENGTH,
  type AccountErrorCode,
  type SignUpField,
} from "@/lib/auth/account-rules";

import { ErrorSummary, type SummaryError } from "../_components/error-summary";
import { TextField } from "../_components/form-field";
import { signUpAction } from "./actions";
import { INITIAL_SIGN_UP_STATE } from "./state";

const FIELD_IDS: Record<SignUpField, string> = {
  shopName: "sign-up-shop-name",
  email: "sign-up-email",
  password: "sign-up-password",
  confirmPassword: "sign-up-confirm-password",
};

/** Values for the {min}/{max} placeholders in the error messages. */
const LIMITS: Partial<Record<AccountErrorCode, { min?: number; max?: number }>> = {
  password_too_short: { min: PASSWORD_MIN_LENGTH },
  password_too_long: { max: PASSWORD_MAX_LENGTH },
  shop_name_too_short: { min: SHOP_NAME_MIN_LENGTH },
  shop_name_too_long: { max: SHOP_NAME_MAX_LENGTH },
};

export function SignUpForm() {
  const t = useTranslations("auth");
  const [state, formAction, pending] = useActionState(signUpAction, INITIAL_SIGN_UP_STATE);

  const fieldError = (field: SignUpField): string | undefined => {
    const code = state.fieldErrors[field];
    return code ? t(`errors.${code}`, LIMITS[code] ?? {}) : undefined;
  };

  const fields: SignUpField[] = ["shopName", "email", "password", "confirmPassword"];
  const summary: SummaryError[] = fields.flatMap((field) => {
    const message = fieldError(field);
    return message ? [{ fieldId: FIELD_IDS[field], message }] : [];
  });
  if (state.error === "rate_limited") {
    summary.unshift({
      fieldId: FIELD_IDS.shopName,
      message: t("errors.rate_limited", { minutes: state.retryAfterMinutes ?? 60 }),
    });
  }

  return (
    <form action={formAction} noValidate className="flex flex-col gap-5">
      <ErrorSummary title={t("errors.summaryTitle")} errors={summary} focusKey={state} />
      <TextField
        id={FIELD_IDS.shopName}
        name="shopName"
        label={t("signUp.shopName")}
        hint={t("signUp.shopNameHint")}
        autoComplete="organization"
        defaultValue={state.values.shopName}
        error={fieldError("shopName")}
        maxLength={SHOP_NAME_MAX_LENGTH}
        required
      />
      <TextField
        id={FIELD_IDS.email}
        name="email"
        type="email"
        label={t("signUp.email")}
        autoComplete="email"
        defaultValue={state.values.email}
        error={fieldError("email")}
        required
      />
      <TextField
        id={FIELD_IDS.password}
        name="password"
        type="password"
        label={t("signUp.password")}
        hint={t("signUp.passwordHint", { min: PASSWORD_MIN_LENGTH })}
        autoComplete="new-password"
        error={fieldError("password")}
        minLength={PASSWORD_MIN_LENGTH}
        maxLength={PASSWORD_MAX_LENGTH}
        required
      />
      <TextField
        id={FIELD_IDS.confirmPassword}
        name="confirmPassword"
        type="password"
        label={t("signUp.confirmPassword")}
        autoComplete="new-password"
        error={fieldError("confirmPassword")}
        required
      />
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-neutral-900 px-4 py-2.5 font-medium text-white hover:bg-neutral-700 disabled:opacity-60"
      >
        {pending ? t("signUp.submitting") : t("signUp.submit")}
      </button>
    </form>
  );
}

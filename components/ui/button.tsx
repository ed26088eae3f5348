import type { ButtonHTMLAttributes } from "react";

const styles = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 disabled:opacity-60",
  secondary: "border border-slate-300 bg-white text-slate-900 hover:bg-slate-50 disabled:opacity-60",
  danger: "border border-red-300 bg-white text-red-800 hover:bg-red-50 disabled:opacity-60",
} as const;

export function Button({
  variant = "primary",
  className = "",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof styles }) {
  return (
    <button
      type="submit"
      {...props}
      className={`inline-flex items-center rounded-md px-4 py-2 font-semibold ${styles[variant]} ${className}`}
    />
  );
}

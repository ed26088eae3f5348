/**
 * The GitHub account a person last signed in with, next to their address:
 * GitHub itself confirmed that address as the account's verified primary one.
 */
export function GitHubLogin({ login, applicant = false }: { login: string | null | undefined; applicant?: boolean }) {
  if (!login) return null;
  return applicant ? (
    <span className="block text-sm text-slate-700" data-github-login={login}>
      Signed in with GitHub as <span className="font-mono">{login}</span>
    </span>
  ) : (
    <span className="text-slate-700" data-github-login={login}>
      {" "}
      (GitHub: <span className="font-mono">{login}</span>)
    </span>
  );
}

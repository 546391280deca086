/**
 * Secret masking, below every layer that handles secrets (no imports): the last guard before text
 * reaches a terminal or a log. Whatever a lower layer put into an error message (a URL with a SAS or a
 * user:password, a bearer header, a connection string, the value of a secret environment variable) is
 * printed masked by the CLI (src/cli/output-mode.ts masks stderr, src/cli/failure-message.ts the error
 * line). Each module still keeps its own secrets out of its messages; this catches what slips through
 * (e.g. a runtime error that quotes the URL it was given).
 *
 * A secret that is not in the environment under a secret-looking name (an endpoint key read from the
 * stack outputs, a --key-env variable called e.g. SCORE_WITH, a password inside a tracking URI, a
 * datastore's account key or SAS) is registered with registerSecret() where it enters the process
 * (push-model, score), and every redactSecrets() call masks it from then on, for the rest of the process.
 */

const MASK = "***";

/** Variables whose values are secrets: tokens, keys, passwords, passphrases, connection strings, SAS. */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSPHRASE|(^|_)KEY($|_)|ACCOUNTKEY|CONNECTION_STRING|(^|_)SAS($|_))/i;
/** ...unless the name says it holds where the secret is or what it is called, not the secret. */
const NOT_A_SECRET = /_(FILE|PATH|DIR|URL|URI|HOST|ENDPOINT|ID|NAME|ENV|TYPE)$/i;
/** Shorter values are too likely to occur in ordinary text to be replaced everywhere. */
const MIN_SECRET_LENGTH = 8;

/** Query parameters that carry credentials: SAS signatures, function keys, tokens. */
const SECRET_QUERY = /([?&](?:sig|signature|code|token|access_token|id_token|api[-_]?key|key|secret|client_secret|password|pwd|sas)=)[^&#\s"'<>]+/gi;
/** `scheme://user:password@host` */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@?#]*):[^\s/@?#]+@/gi;
/** Authorization header values (long enough to be a credential, not the word in a sentence). */
const AUTH_HEADER = /\b(Bearer|Basic|SharedKey)\s+[A-Za-z0-9\-._~+/:]{16,}=*/g;
/** Connection-string parts. */
const CONNECTION_PART = /\b(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)=[^;\s"']+/gi;
/** JWTs (Entra access tokens) and Databricks personal access tokens. */
const JWT = /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g;
const DATABRICKS_PAT = /\bdapi[0-9a-f]{32}(-\d+)?\b/g;

/** Secrets the CLI obtained at run time (see registerSecret). */
const registered = new Set<string>();

/**
 * Masks `value` in everything redactSecrets() returns from now on. Call it where a secret enters the
 * process from somewhere other than a secret-named environment variable. Values shorter than 8
 * characters are ignored, as for the environment. A secret that may appear URL-encoded (a password
 * taken from a URI) is registered in both forms.
 */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_SECRET_LENGTH) return;
  registered.add(value);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) registered.add(encoded);
}

/** The user:password of a URI, when it has one (the password is registered; the user name is not a secret). */
export function registerUriCredentials(uri: string | undefined): void {
  if (!uri) return;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return;
  }
  if (!url.password) return;
  registerSecret(url.password);
  try {
    registerSecret(decodeURIComponent(url.password));
  } catch {
    // a malformed %-escape: the raw form is registered
  }
}

/** For tests: forget what registerSecret() was given. */
export function clearRegisteredSecrets(): void {
  registered.clear();
}

export function secretValuesFromEnv(env: NodeJS.ProcessEnv): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < MIN_SECRET_LENGTH) continue;
    if (SECRET_NAME.test(name) && !NOT_A_SECRET.test(name)) values.push(value);
  }
  // Longest first, so a secret that contains another is masked whole.
  return values.sort((a, b) => b.length - a.length);
}

export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env, extraSecrets: readonly string[] = []): string {
  let out = text;
  const secrets = [...extraSecrets.filter((s) => s.length >= MIN_SECRET_LENGTH), ...registered, ...secretValuesFromEnv(env)];
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of secrets.sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(MASK);
  }
  return out
    .replace(URL_USERINFO, `$1:${MASK}@`)
    .replace(SECRET_QUERY, `$1${MASK}`)
    .replace(AUTH_HEADER, `$1 ${MASK}`)
    .replace(CONNECTION_PART, `$1=${MASK}`)
    .replace(JWT, MASK)
    .replace(DATABRICKS_PAT, MASK);
}

/**
 * Who the lab belongs to when the stack does not say: the signed-in identity, read from the ARM access
 * token's claims (a user's `upn`/`unique_name`, or a service principal's `appid`). The token is only
 * decoded locally, never printed or stored.
 */
export function ownerFromAccessToken(token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
    for (const claim of ["upn", "unique_name", "preferred_username", "email"]) {
      // Personal Microsoft accounts show up as "live.com#someone@outlook.com" in unique_name.
      const value = typeof claims[claim] === "string" ? (claims[claim] as string).replace(/^live\.com#/i, "") : undefined;
      if (value && /^[^@\s#]+@[^@\s]+\.[^@\s]+$/.test(value)) return value;
    }
    if (typeof claims.appid === "string" && claims.idtyp === "app") return claims.appid;
    return undefined;
  } catch {
    return undefined;
  }
}

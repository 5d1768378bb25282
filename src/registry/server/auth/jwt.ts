import {
  createHmac,
  createVerify,
  timingSafeEqual,
  X509Certificate,
  type KeyObject,
} from "node:crypto";

/**
 * The few JWT (RFC 7519) operations Docker's token auth needs: HS256
 * signing for the built-in token endpoint, and HS256/RS256/ES256
 * verification (RS/ES against an external realm's certificate bundle).
 */

/** The claims of a registry token (Docker's token auth spec, "JWT claims"). */
export type TokenClaims = {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: Array<{ type: string; name: string; actions: string[] }>;
};

const b64 = (b: Buffer | string): string =>
  Buffer.from(b).toString("base64url");

/** Signs claims with HS256. */
export function signHs256(claims: TokenClaims, secret: Buffer): string {
  const head = b64(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64(JSON.stringify(claims));
  const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest();
  return `${head}.${body}.${b64(sig)}`;
}

/** Keys a token may be verified with: the HS256 secret and/or public keys. */
export type VerifyKeys = { secret?: Buffer; publicKeys?: KeyObject[] };

/** Reads the public keys of a PEM certificate bundle (auth.token.rootcertbundle). */
export function keysFromBundle(pem: string): KeyObject[] {
  const certs =
    pem.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? [];
  return certs.map((c) => new X509Certificate(c).publicKey);
}

/**
 * Verifies a token's signature, issuer, audience and time window; returns
 * its claims. Throws an Error saying what is wrong.
 */
export function verifyToken(
  token: string,
  keys: VerifyKeys,
  expect: { issuer: string; audience: string; now?: number },
): TokenClaims {
  const parts = token.split(".");
  if (parts.length !== 3) throw new Error("malformed token");
  const [h = "", p = "", s = ""] = parts;
  const header = JSON.parse(Buffer.from(h, "base64url").toString()) as {
    alg?: string;
  };
  const signed = `${h}.${p}`;
  const sig = Buffer.from(s, "base64url");
  let ok = false;
  if (header.alg === "HS256" && keys.secret) {
    const want = createHmac("sha256", keys.secret).update(signed).digest();
    ok = want.length === sig.length && timingSafeEqual(want, sig);
  } else if (header.alg === "RS256" || header.alg === "ES256") {
    ok = (keys.publicKeys ?? []).some((k) =>
      createVerify("sha256")
        .update(signed)
        .verify(
          {
            key: k,
            ...(header.alg === "ES256"
              ? { dsaEncoding: "ieee-p1363" as const }
              : {}),
          },
          sig,
        ),
    );
  } else
    throw new Error(`unsupported token algorithm ${header.alg ?? "(none)"}`);
  if (!ok) throw new Error("invalid token signature");
  const claims = JSON.parse(
    Buffer.from(p, "base64url").toString(),
  ) as TokenClaims;
  const now = expect.now ?? Math.floor(Date.now() / 1000);
  if (claims.iss !== expect.issuer) throw new Error("token issuer mismatch");
  const aud = claims.aud as string | string[];
  if (
    !(Array.isArray(aud)
      ? aud.includes(expect.audience)
      : aud === expect.audience)
  )
    throw new Error("token audience mismatch");
  // 60 s of leeway for clock skew, as distribution allows.
  if (typeof claims.exp !== "number" || claims.exp + 60 < now)
    throw new Error("token expired");
  if (typeof claims.nbf === "number" && claims.nbf - 60 > now)
    throw new Error("token not yet valid");
  if (!Array.isArray(claims.access)) claims.access = [];
  return claims;
}

//! Signed, expiring tokens: visitor sessions and upload URLs. A token is readable text
//! plus an HMAC-SHA256 over it with the worker's TOKEN_SECRET, so the worker can check
//! one without a lookup.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::secret::constant_time_eq;

type HmacSha256 = Hmac<Sha256>;

/// Lower-case hex HMAC-SHA256 of `message` under `secret`.
pub fn sign(secret: &[u8], message: &str) -> String {
    // HMAC accepts keys of any length; new_from_slice cannot fail for it.
    let mut mac = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `signature` is `sign(secret, message)`, in constant time.
pub fn verify(secret: &[u8], message: &str, signature: &str) -> bool {
    constant_time_eq(sign(secret, message).as_bytes(), signature.as_bytes())
}

/// What a visitor token proves: this visitor of this workspace, until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorClaims {
    pub workspace_id: String,
    pub visitor_id: String,
    /// Unix seconds.
    pub expires_at: i64,
}

const VISITOR_TAG: &str = "vt1";

/// `vt1.<workspace_id>.<visitor_id>.<expires_at>.<signature>`. Ids never contain dots.
pub fn visitor_token(secret: &[u8], claims: &VisitorClaims) -> String {
    let body = format!(
        "{VISITOR_TAG}.{}.{}.{}",
        claims.workspace_id, claims.visitor_id, claims.expires_at
    );
    let signature = sign(secret, &body);
    format!("{body}.{signature}")
}

/// The claims of a genuine token that has not expired at `now` (unix seconds).
pub fn read_visitor_token(secret: &[u8], token: &str, now: i64) -> Option<VisitorClaims> {
    let (body, signature) = token.rsplit_once('.')?;
    if !verify(secret, body, signature) {
        return None;
    }
    let mut parts = body.split('.');
    let (tag, workspace_id, visitor_id, expires_at) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if tag != VISITOR_TAG || parts.next().is_some() {
        return None;
    }
    let expires_at: i64 = expires_at.parse().ok()?;
    (expires_at > now).then(|| VisitorClaims {
        workspace_id: workspace_id.to_string(),
        visitor_id: visitor_id.to_string(),
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"test-secret";

    fn claims() -> VisitorClaims {
        VisitorClaims {
            workspace_id: "ws_abc".into(),
            visitor_id: "visitor_xyz".into(),
            expires_at: 2_000,
        }
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            sign(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_token_reads_back_until_it_expires() {
        let token = visitor_token(SECRET, &claims());
        assert_eq!(read_visitor_token(SECRET, &token, 1_999), Some(claims()));
        assert_eq!(read_visitor_token(SECRET, &token, 2_000), None);
    }

    #[test]
    fn tampered_or_foreign_tokens_are_refused() {
        let token = visitor_token(SECRET, &claims());
        let forged = token.replace("visitor_xyz", "visitor_abc");
        assert_eq!(read_visitor_token(SECRET, &forged, 0), None);
        assert_eq!(read_visitor_token(b"other", &token, 0), None);
        let extended = token.replace(".2000.", ".9999.");
        assert_eq!(read_visitor_token(SECRET, &extended, 0), None);
    }

    proptest! {
        #[test]
        fn garbage_never_panics_or_passes(s in "\\PC*") {
            prop_assert_eq!(read_visitor_token(SECRET, &s, 0), None);
        }
    }
}

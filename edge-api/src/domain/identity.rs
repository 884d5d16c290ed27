//! Visitor identity verification, as Intercom, Crisp and tawk.to have it: the site's
//! server computes `user_hash = hex HMAC-SHA256(identity secret, user_id or email)` and
//! passes it to the widget; a session whose hash matches is `verified`.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use shared_types::error::ErrorCode;

use super::secret::constant_time_eq;

/// A new identity secret: `idsec_` and 40 base62 characters (~238 bits). Its UTF-8
/// bytes are the HMAC key.
pub fn generate_secret() -> String {
    format!("idsec_{}", super::ids::random_base62(40))
}

/// The `sealed` purpose of a workspace's identity secret, so a sealed value copied from
/// another workspace or field does not open.
pub fn seal_purpose(workspace_id: &str) -> String {
    format!("identity_secret:{workspace_id}")
}

/// What the hash vouches for: the user id when the session names one, else the email.
/// `None` for an anonymous session, which claims no identity.
pub fn subject<'a>(user_id: Option<&'a str>, email: Option<&'a str>) -> Option<&'a str> {
    user_id.or(email)
}

/// Lower-case hex HMAC-SHA256 of `subject` under `secret`: what the site's server sends.
pub fn user_hash(secret: &[u8], subject: &str) -> String {
    hex::encode(mac(secret, subject))
}

fn mac(secret: &[u8], subject: &str) -> [u8; 32] {
    // HMAC takes keys of any length: this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(subject.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// The 32 bytes of a 64-digit hex string, either case; `None` for anything else.
pub fn parse_hex_digest(text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(text.trim()).ok()?;
    bytes.try_into().ok()
}

/// Whether `claimed_hash` is the hash of `subject` under `secret`, compared in
/// constant time.
pub fn verifies(secret: &[u8], subject: &str, claimed_hash: &str) -> bool {
    match parse_hex_digest(claimed_hash) {
        Some(claimed) => constant_time_eq(&claimed, &mac(secret, subject)),
        None => false,
    }
}

/// The verdict on a session: `Ok(true)` verified, `Ok(false)` accepted unverified,
/// AUTH-015 when the workspace requires identity and the session names one without a
/// valid hash. An anonymous session (no subject) is never refused: the visitor simply
/// claims nobody.
pub fn decide(require_identity: bool, has_subject: bool, valid: bool) -> Result<bool, ErrorCode> {
    match (has_subject, valid) {
        (true, true) => Ok(true),
        (true, false) if require_identity => Err(ErrorCode::AuthIdentity),
        _ => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's vector: its Node and PHP snippets print this same hash.
    pub const README_SECRET: &str = "idsec_example";
    pub const README_USER: &str = "user_42";
    pub const README_HASH: &str =
        "70e379cebb9decb68553e6f661ae9b93faaacb43a4ec685165077fff043a24d4";

    #[test]
    fn hash_matches_the_readme_vector() {
        assert_eq!(
            user_hash(README_SECRET.as_bytes(), README_USER),
            README_HASH
        );
    }

    #[test]
    fn hash_matches_rfc_4231_case_2() {
        assert_eq!(
            user_hash(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verifies_the_right_hash_in_either_case_only() {
        let hash = user_hash(b"s3cret", "ali@example.com");
        assert!(verifies(b"s3cret", "ali@example.com", &hash));
        assert!(verifies(b"s3cret", "ali@example.com", &hash.to_uppercase()));
        assert!(!verifies(b"other", "ali@example.com", &hash));
        assert!(!verifies(b"s3cret", "vali@example.com", &hash));
        assert!(!verifies(b"s3cret", "ali@example.com", &hash[..62]));
        assert!(!verifies(b"s3cret", "ali@example.com", "zz"));
        assert!(!verifies(b"s3cret", "ali@example.com", ""));
    }

    #[test]
    fn hex_digests_are_exactly_32_bytes() {
        assert_eq!(parse_hex_digest(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(parse_hex_digest(&"ab".repeat(31)), None);
        assert_eq!(parse_hex_digest(&"ab".repeat(33)), None);
        assert_eq!(parse_hex_digest(&"g0".repeat(32)), None);
    }

    #[test]
    fn the_user_id_is_vouched_for_before_the_email() {
        assert_eq!(subject(Some("u1"), Some("a@b.uz")), Some("u1"));
        assert_eq!(subject(None, Some("a@b.uz")), Some("a@b.uz"));
        assert_eq!(subject(None, None), None);
    }

    #[test]
    fn only_a_claimed_identity_without_a_valid_hash_is_refused_and_only_when_required() {
        assert_eq!(decide(true, true, true), Ok(true));
        assert_eq!(decide(false, true, true), Ok(true));
        assert_eq!(decide(true, true, false), Err(ErrorCode::AuthIdentity));
        assert_eq!(decide(false, true, false), Ok(false));
        assert_eq!(decide(true, false, false), Ok(false));
        assert_eq!(decide(false, false, false), Ok(false));
    }

    #[test]
    fn secrets_are_fresh_and_prefixed() {
        let (a, b) = (generate_secret(), generate_secret());
        assert!(a.starts_with("idsec_") && a.len() == 46);
        assert_ne!(a, b);
        assert_eq!(seal_purpose("ws_1"), "identity_secret:ws_1");
    }
}

//! Stored agent passwords: `pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>`. The
//! derivation itself is WebCrypto's (native code in workerd, `crate::crypto`); this
//! module holds the format, the parameters and the comparison, so they are tested
//! natively.

use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;

use super::secret::constant_time_eq;

const SCHEME: &str = "pbkdf2_sha256";

/// PBKDF2-SHA256 rounds for new hashes. 100,000 is also the most workerd's WebCrypto
/// accepts; a sign-in costs about that many HMACs in native code (see README for the
/// measured latency).
pub const ITERATIONS: u32 = 100_000;

/// Bytes of per-agent random salt.
pub const SALT_LEN: usize = 16;

/// Bytes of derived key stored (the SHA-256 output size).
pub const HASH_LEN: usize = 32;

/// A parsed stored hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub hash: Vec<u8>,
}

impl PasswordHash {
    /// The stored text; `None` for anything this module did not write (the agent then
    /// cannot sign in with a password, which is the safe reading).
    pub fn parse(stored: &str) -> Option<PasswordHash> {
        let mut parts = stored.split('$');
        if parts.next()? != SCHEME {
            return None;
        }
        let iterations: u32 = parts.next()?.parse().ok()?;
        let salt = B64.decode(parts.next()?).ok()?;
        let hash = B64.decode(parts.next()?).ok()?;
        if parts.next().is_some() || iterations == 0 || salt.is_empty() || hash.len() != HASH_LEN {
            return None;
        }
        Some(PasswordHash {
            iterations,
            salt,
            hash,
        })
    }

    pub fn format(&self) -> String {
        format!(
            "{SCHEME}${}${}${}",
            self.iterations,
            B64.encode(&self.salt),
            B64.encode(&self.hash)
        )
    }

    /// Whether `derived` (the PBKDF2 of the presented password with this salt and
    /// count) is this hash, in time that does not depend on where they differ.
    pub fn matches(&self, derived: &[u8]) -> bool {
        constant_time_eq(&self.hash, derived)
    }
}

/// A fresh random salt.
pub fn new_salt() -> [u8; SALT_LEN] {
    let mut salt = [0u8; SALT_LEN];
    // As for ids: the platform RNG does not fail on workerd or the test host.
    getrandom::getrandom(&mut salt).expect("system random number generator");
    salt
}

/// What a sign-in for an unknown email is checked against, so that it costs the same
/// PBKDF2 as a known one and the answer's timing does not tell which emails exist.
pub fn decoy() -> PasswordHash {
    PasswordHash {
        iterations: ITERATIONS,
        salt: vec![0; SALT_LEN],
        hash: vec![0; HASH_LEN],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PasswordHash {
        PasswordHash {
            iterations: ITERATIONS,
            salt: new_salt().to_vec(),
            hash: (0..HASH_LEN as u8).collect(),
        }
    }

    #[test]
    fn format_round_trips_and_names_scheme_and_count() {
        let h = sample();
        let text = h.format();
        assert!(text.starts_with("pbkdf2_sha256$100000$"), "{text}");
        assert_eq!(text.split('$').count(), 4);
        assert_eq!(PasswordHash::parse(&text), Some(h));
    }

    #[test]
    fn anything_else_is_not_a_hash() {
        let good = sample().format();
        let bad = [
            String::new(),
            "plaintext".into(),
            good.replacen("pbkdf2_sha256", "pbkdf2_sha1", 1),
            good.replacen("$100000$", "$0$", 1),
            good.replacen("$100000$", "$many$", 1),
            format!("{good}$extra"),
            "pbkdf2_sha256$100000$$AAAA".into(),
            "pbkdf2_sha256$100000$c2FsdA$c2hvcnQ".into(),
        ];
        for text in bad {
            assert_eq!(PasswordHash::parse(&text), None, "{text}");
        }
    }

    #[test]
    fn matches_only_the_same_bytes() {
        let h = sample();
        assert!(h.matches(&h.hash));
        let mut other = h.hash.clone();
        other[31] ^= 1;
        assert!(!h.matches(&other));
        assert!(!h.matches(&h.hash[..31]));
    }

    #[test]
    fn salts_differ_and_the_decoy_never_matches_a_real_derivation_length_mismatch() {
        assert_ne!(new_salt(), new_salt());
        assert_eq!(decoy().hash.len(), HASH_LEN);
    }
}

//! The text form of a value sealed with AES-256-GCM (`crate::crypto::seal`), and the
//! key it is sealed under. The cipher runs in WebCrypto; what is pure lives here.
//!
//! Form: `v1.<base64url nonce>.<base64url ciphertext and tag>`. The version names the
//! scheme, so a later key rotation can tell old values from new.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// AES-GCM's standard 96-bit nonce, random per value: at the few writes a secret gets,
/// a collision under one key is out of reach.
pub const NONCE_LEN: usize = 12;
/// AES-256.
pub const KEY_LEN: usize = 32;
/// GCM's tag, appended to the ciphertext by WebCrypto.
pub const TAG_LEN: usize = 16;

const VERSION: &str = "v1";

pub fn new_nonce() -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    // As for ids: the platform RNG does not fail on workerd or the test host.
    getrandom::getrandom(&mut nonce).expect("system random number generator");
    nonce
}

pub fn format(nonce: &[u8; NONCE_LEN], ciphertext: &[u8]) -> String {
    format!(
        "{VERSION}.{}.{}",
        URL_SAFE_NO_PAD.encode(nonce),
        URL_SAFE_NO_PAD.encode(ciphertext)
    )
}

/// The nonce and ciphertext of a sealed value, `None` for anything not in the v1 form.
pub fn parse(text: &str) -> Option<([u8; NONCE_LEN], Vec<u8>)> {
    let mut parts = text.splitn(3, '.');
    if parts.next() != Some(VERSION) {
        return None;
    }
    let nonce = parts
        .next()
        .and_then(|n| URL_SAFE_NO_PAD.decode(n).ok())
        .and_then(|n| <[u8; NONCE_LEN]>::try_from(n).ok())?;
    let ciphertext = parts
        .next()
        .and_then(|c| URL_SAFE_NO_PAD.decode(c).ok())
        .filter(|c| c.len() >= TAG_LEN)?;
    Some((nonce, ciphertext))
}

/// The 32-byte key from the `ENCRYPTION_KEY` secret's 64 hex digits, `None` otherwise.
pub fn key_from_hex(hex_key: &str) -> Option<[u8; KEY_LEN]> {
    hex::decode(hex_key.trim())
        .ok()
        .and_then(|k| <[u8; KEY_LEN]>::try_from(k).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_parses_back_to_its_parts() {
        let nonce = new_nonce();
        let text = format(&nonce, &[7u8; 40]);
        assert!(text.starts_with("v1."));
        assert_eq!(parse(&text).unwrap(), (nonce, vec![7u8; 40]));
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "",
            "v1",
            "v2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
            "v1.AAAA.AAAAAAAAAAAAAAAAAAAAAA",
            "v1.AAAAAAAAAAAAAAAA.AAAA",
            "v1.AAAAAAAAAAAAAAAA.!!!!",
            "plain whsec_secret",
        ] {
            assert!(parse(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn nonces_differ() {
        assert_ne!(new_nonce(), new_nonce());
    }

    #[test]
    fn the_key_is_exactly_64_hex_digits() {
        assert_eq!(key_from_hex(&"ab".repeat(32)).unwrap(), [0xab; 32]);
        assert!(key_from_hex(&"ab".repeat(31)).is_none());
        assert!(key_from_hex(&"zz".repeat(32)).is_none());
        assert!(key_from_hex("").is_none());
    }
}

//! Making and recognising API keys. The format (`cf_live_…`) and its parser live in
//! shared-types; here are the parts that need randomness and hashing. Only a key's
//! SHA-256 is stored; the key is shown once, when it is made.

use shared_types::admin::{bearer_token, ApiKeySecret, API_KEY_PREFIX};
use shared_types::error::ErrorCode;

use super::{ids::random_base62, secret::sha256_hex};

/// Random characters after the prefix: 32 base62 characters, ~190 bits.
const RANDOM_LEN: usize = 32;

pub fn generate() -> ApiKeySecret {
    let key = format!("{API_KEY_PREFIX}{}", random_base62(RANDOM_LEN));
    // Our own format always parses; the unit test below holds us to that.
    ApiKeySecret::parse(&key).unwrap_or_else(|_| unreachable!("generated key {key:?} is malformed"))
}

/// The key of an `Authorization` header: AUTH-002 without one, AUTH-003 when it is not
/// `Bearer cf_live_…`.
pub fn from_authorization(header: Option<&str>) -> Result<ApiKeySecret, ErrorCode> {
    ApiKeySecret::parse(bearer_token(header)?)
}

/// What the store keeps and looks keys up by.
pub fn hash_hex(key: &ApiKeySecret) -> String {
    sha256_hex(key.as_str().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn generated_keys_parse_differ_and_show_twelve_characters() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), API_KEY_PREFIX.len() + RANDOM_LEN);
        assert_eq!(a.display_prefix().len(), 12);
        assert!(a.display_prefix().starts_with(API_KEY_PREFIX));
        assert_ne!(hash_hex(&a), hash_hex(&b));
    }

    #[test]
    fn missing_header_is_auth_002_and_wrong_shapes_auth_003() {
        assert_eq!(from_authorization(None), Err(ErrorCode::AuthMissing));
        let key = generate();
        for header in [
            format!("Basic {}", key.as_str()),
            key.as_str().to_string(),
            "Bearer cf_live_short".to_string(),
            "Bearer cf_test_0123456789abcdef0123456789abcdef".to_string(),
        ] {
            assert_eq!(
                from_authorization(Some(&header)),
                Err(ErrorCode::AuthMalformed),
                "{header}"
            );
        }
        let header = format!("bearer {}", key.as_str());
        assert_eq!(from_authorization(Some(&header)), Ok(key));
    }

    proptest! {
        #[test]
        fn parsing_any_header_never_panics(s in "\\PC*") {
            let _ = from_authorization(Some(&s));
        }
    }
}

//! Random identifiers: `<prefix>_<base62>`, e.g. `chat_7fK2…`.

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `len` characters drawn uniformly from [0-9A-Za-z] (rejection sampling, no modulo bias).
pub fn random_base62(len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        // A failing system RNG leaves no safe way to make secrets; it never fails on
        // workerd (crypto.getRandomValues) or on the test host.
        getrandom::getrandom(&mut buf).expect("system random number generator");
        for b in buf {
            // 248 = 4 * 62: bytes above it would favour the first characters.
            if b < 248 && out.len() < len {
                out.push(ALPHABET[usize::from(b % 62)] as char);
            }
        }
    }
    out
}

/// The random part of a new id: 20 base62 characters (~119 bits). The typed ids of
/// shared-types take it through `with_suffix`.
pub fn suffix() -> String {
    random_base62(20)
}

/// A new id with the given prefix (without the underscore) and 20 random characters
/// (~119 bits).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", suffix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_prefix_and_twenty_base62_characters() {
        let id = new_id("chat");
        let suffix = id.strip_prefix("chat_").unwrap();
        assert_eq!(suffix.len(), 20);
        assert!(suffix.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn ids_do_not_repeat() {
        let ids: std::collections::HashSet<_> = (0..1000).map(|_| new_id("msg")).collect();
        assert_eq!(ids.len(), 1000);
    }

    #[test]
    fn every_character_of_the_alphabet_occurs() {
        let s = random_base62(20_000);
        for &c in ALPHABET {
            assert!(s.as_bytes().contains(&c), "missing {}", c as char);
        }
    }
}

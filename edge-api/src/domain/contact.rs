//! Which contact a new visitor joins. A user id counts only when the session proved it
//! (identity verification): a claimed one could attach a stranger's chats to a
//! customer. An email joins by its lower-cased form, the way mail treats it.

/// What a visitor is looked up by, strongest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactKey {
    /// The site's own id for the user, proven by `user_hash`; the email, when also
    /// given, finds a contact not yet tied to a user id.
    User {
        user_id: String,
        email_key: Option<String>,
    },
    /// Only an email, claimed or proven.
    Email(String),
}

/// The key of a visitor with these details; `None` for an anonymous one, who is no
/// contact until they give an email.
pub fn key(user_id: Option<&str>, verified: bool, email: Option<&str>) -> Option<ContactKey> {
    let email_key = email.map(str::to_lowercase).filter(|e| !e.is_empty());
    match user_id.filter(|u| verified && !u.is_empty()) {
        Some(user_id) => Some(ContactKey::User {
            user_id: user_id.to_string(),
            email_key,
        }),
        None => email_key.map(ContactKey::Email),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proven_user_id_comes_first_and_a_claimed_one_counts_for_nothing() {
        assert_eq!(
            key(Some("u-42"), true, Some("Dilnoza@Shop.uz")),
            Some(ContactKey::User {
                user_id: "u-42".into(),
                email_key: Some("dilnoza@shop.uz".into())
            })
        );
        assert_eq!(
            key(Some("u-42"), false, Some("Dilnoza@Shop.uz")),
            Some(ContactKey::Email("dilnoza@shop.uz".into()))
        );
        assert_eq!(key(Some("u-42"), false, None), None);
        assert_eq!(key(None, false, None), None);
        assert_eq!(
            key(Some("u-42"), true, None),
            Some(ContactKey::User {
                user_id: "u-42".into(),
                email_key: None
            })
        );
    }
}

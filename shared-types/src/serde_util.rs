//! Serde helpers shared by several bodies; the types that use them document the
//! resulting wire contract. `nullable` is public: the worker's own internal messages
//! carry PATCH fields whose `null` must survive the trip.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// For PATCH fields that may be set to `null`: with
/// `#[serde(default, skip_serializing_if = "Option::is_none", with = "crate::serde_util::nullable")]`
/// on an `Option<Option<T>>`,
/// - field absent → `None` (leave unchanged),
/// - field `null` → `Some(None)` (clear),
/// - field value → `Some(Some(v))` (set).
pub mod nullable {
    use super::*;

    /// Writes `Some(Some(v))` as `v`, anything else as `null`.
    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            // Only reached when the caller forgot `skip_serializing_if`; null is
            // the least surprising output.
            None | Some(None) => serializer.serialize_none(),
            Some(Some(v)) => v.serialize(serializer),
        }
    }

    /// Reads a present field: `null` → `Some(None)`, a value → `Some(Some(v))`.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        // Called only when the field is present, so the outer Option is Some.
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

/// `deserialize_with` for a PATCH field that may be absent but not `null`:
/// with `#[serde(default, deserialize_with = "crate::serde_util::present")]` on an
/// `Option<T>`, absent → `None`, a value → `Some`, and `null` is an error
/// (plain `Option` would silently read `null` as "unchanged").
pub(crate) fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// `deserialize_with` for a list that must hold at least one element.
pub(crate) fn non_empty_vec<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<T>, D::Error> {
    let items = Vec::<T>::deserialize(deserializer)?;
    if items.is_empty() {
        return Err(serde::de::Error::custom("must list at least one item"));
    }
    Ok(items)
}

/// A flag read as JSON `true`/`false` or as SQLite's `1`/`0` (D1 rows have no booleans),
/// so a row type can be decoded straight from a query; it is always written as a bool.
pub(crate) fn bool_or_int<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Int(i64),
        Float(f64),
    }
    Ok(match Flag::deserialize(deserializer)? {
        Flag::Bool(b) => b,
        Flag::Int(n) => n != 0,
        Flag::Float(n) => n != 0.0,
    })
}

/// `#[serde(default = "…")]` for a flag that is on unless it says otherwise.
pub(crate) fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Patch {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "super::nullable"
        )]
        notes: Option<Option<String>>,
    }

    #[test]
    fn nullable_distinguishes_absent_null_and_value() {
        let absent: Patch = serde_json::from_str("{}").unwrap();
        let null: Patch = serde_json::from_str(r#"{"notes":null}"#).unwrap();
        let set: Patch = serde_json::from_str(r#"{"notes":"x"}"#).unwrap();
        assert_eq!(absent.notes, None);
        assert_eq!(null.notes, Some(None));
        assert_eq!(set.notes, Some(Some("x".to_owned())));
        assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&null).unwrap(), r#"{"notes":null}"#);
        assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"notes":"x"}"#);
    }
}

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
    // A visitor, not an untagged enum: the enum tries `bool` first and builds an error
    // for every number it then accepts, and in the worker each such error is a JS
    // `Error` with its stack captured, on every row of every list.
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a boolean, or a number where 0 is false")
        }
        fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<bool, E> {
            Ok(b)
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<bool, E> {
            Ok(n != 0)
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<bool, E> {
            Ok(n != 0)
        }
        fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<bool, E> {
            Ok(n != 0.0)
        }
    }
    deserializer.deserialize_any(Flag)
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

    #[derive(Deserialize)]
    struct Row {
        #[serde(deserialize_with = "super::bool_or_int")]
        flag: bool,
    }

    #[test]
    fn bool_or_int_reads_booleans_and_sqlite_numbers_and_refuses_the_rest() {
        let read = |json: &str| serde_json::from_str::<Row>(json).map(|r| r.flag);
        assert!(read(r#"{"flag":true}"#).unwrap());
        assert!(!read(r#"{"flag":false}"#).unwrap());
        assert!(read(r#"{"flag":1}"#).unwrap());
        assert!(!read(r#"{"flag":0}"#).unwrap());
        assert!(read(r#"{"flag":-1}"#).unwrap());
        assert!(!read(r#"{"flag":0.0}"#).unwrap());
        assert!(read(r#"{"flag":1.0}"#).unwrap());
        assert!(read(r#"{"flag":"1"}"#).is_err());
        assert!(read(r#"{"flag":null}"#).is_err());
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

/// A whole number however JSON spells it: `5`, and also `5.0`, which JSON Schema's
/// `integer` admits and generated clients send. A fraction, a negative or a value
/// outside `T` is refused with "must be a whole number".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Whole<T>(pub T);

impl<'de, T: TryFrom<u64>> Deserialize<'de> for Whole<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<T: TryFrom<u64>> serde::de::Visitor<'_> for Visitor<T> {
            type Value = Whole<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Whole<T>, E> {
                T::try_from(v)
                    .map(Whole)
                    .map_err(|_| E::custom("must be a whole number in range"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Whole<T>, E> {
                let v = u64::try_from(v).map_err(|_| E::custom("must be a whole number"))?;
                self.visit_u64(v)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Whole<T>, E> {
                // 2^64 is the first float past u64; below it a whole float converts exactly.
                if v.fract() != 0.0 || !(0.0..18_446_744_073_709_551_616.0).contains(&v) {
                    return Err(E::custom("must be a whole number"));
                }
                self.visit_u64(v as u64)
            }
        }
        deserializer.deserialize_any(Visitor(std::marker::PhantomData))
    }
}

/// `deserialize_with` for a whole-number field (see [`Whole`]).
pub fn whole<'de, D: Deserializer<'de>, T: TryFrom<u64>>(deserializer: D) -> Result<T, D::Error> {
    Whole::<T>::deserialize(deserializer).map(|w| w.0)
}

/// `deserialize_with` for an optional whole-number field: `null` is `None`.
pub fn whole_opt<'de, D: Deserializer<'de>, T: TryFrom<u64>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Option::<Whole<T>>::deserialize(deserializer).map(|o| o.map(|w| w.0))
}

/// [`nullable`] for a whole-number PATCH field: absent, `null` or a [`Whole`].
pub mod nullable_whole {
    use super::*;

    pub use super::nullable::serialize;

    /// Reads a present field: `null` → `Some(None)`, a number → `Some(Some(n))`.
    pub fn deserialize<'de, T: TryFrom<u64>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        whole_opt(deserializer).map(Some)
    }
}

#[cfg(test)]
mod whole_tests {
    use super::Whole;

    #[test]
    fn a_whole_float_is_a_whole_number_and_nothing_else_is() {
        let read = |text: &str| serde_json::from_str::<Whole<u32>>(text).map(|w| w.0).ok();
        assert_eq!(read("5"), Some(5));
        assert_eq!(read("5.0"), Some(5));
        assert_eq!(read("1e2"), Some(100));
        for bad in ["5.5", "-1", "-1.0", "4294967296", "1e30", "\"5\"", "null"] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }
}

//! Page-numbered lists (`?page=&limit=`, answered with `{data, pagination}`) and
//! unpaginated lists (`{data}`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::validate::ValueError;

/// Reads a query or JSON number: JSON gives a number, query-string decoders give
/// the digits as a string. Both go through `parse`. With the `openapi` feature the
/// schema is an integer in `$min..=$max` defaulting to `$default` (the digit strings
/// of a query are how integers travel there, so they need no schema of their own).
macro_rules! number_serde {
    ($ty:ident, $min:expr, $max:expr, $default:expr) => {
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::openapi::integer($min, $max)
                    .default(Some(serde_json::Value::from($default)))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $ty {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($ty))
            }
        }

        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_u32(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a whole number")
                    }
                    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<$ty, E> {
                        $ty::check(v).map_err(E::custom)
                    }
                    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<$ty, E> {
                        // Negative numbers fail the lower bound, with its message.
                        $ty::check(u64::try_from(v).unwrap_or(0)).map_err(E::custom)
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        $ty::parse(v).map_err(E::custom)
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl std::str::FromStr for $ty {
            type Err = ValueError;
            fn from_str(s: &str) -> Result<Self, ValueError> {
                $ty::parse(s)
            }
        }
    };
}

/// Parses a query parameter's decimal digits (surrounding spaces refused).
fn parse_number(input: &str) -> Result<u64, ValueError> {
    if input.is_empty() || !input.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValueError::new("must be a whole number"));
    }
    // All digits: the only failure left is overflow, which every bound refuses.
    Ok(input.parse().unwrap_or(u64::MAX))
}

/// A 1-based page number (`?page=`): at least 1; absent means 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Page(u32);

impl Page {
    /// The first page, used when `page` is absent.
    pub const FIRST: Page = Page(1);

    /// Refuses 0.
    pub fn new(page: u32) -> Result<Self, ValueError> {
        Page::check(page.into())
    }

    /// Parses a query-string value: decimal digits, 1..=4294967295.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        Page::check(parse_number(input)?)
    }

    fn check(page: u64) -> Result<Self, ValueError> {
        match u32::try_from(page) {
            Ok(0) => Err(ValueError::new("must be at least 1")),
            Ok(page) => Ok(Page(page)),
            Err(_) => Err(ValueError::new(format!("must be at most {}", u32::MAX))),
        }
    }

    /// The page number, 1 or more.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// How many rows precede this page: `(page - 1) * limit`.
    pub const fn offset(self, limit: Limit) -> u64 {
        (self.0 as u64 - 1) * limit.0 as u64
    }
}

impl Default for Page {
    /// [`Page::FIRST`].
    fn default() -> Self {
        Page::FIRST
    }
}

number_serde!(Page, 1, u32::MAX, Page::FIRST.0);

/// Rows per page (`?limit=`): 1..=100; absent means 20.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Limit(u32);

impl Limit {
    /// Used when `limit` is absent.
    pub const DEFAULT: Limit = Limit(20);
    /// The largest accepted limit.
    pub const MAX: Limit = Limit(100);

    /// Refuses 0 and anything over 100 (no silent clamping: a client asking for
    /// 500 rows should learn it gets at most 100).
    pub fn new(limit: u32) -> Result<Self, ValueError> {
        Limit::check(limit.into())
    }

    /// Parses a query-string value: decimal digits, 1..=100.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        Limit::check(parse_number(input)?)
    }

    fn check(limit: u64) -> Result<Self, ValueError> {
        match u32::try_from(limit) {
            Ok(limit) if (1..=Self::MAX.0).contains(&limit) => Ok(Limit(limit)),
            _ => Err(ValueError::new(format!(
                "must be between 1 and {}",
                Self::MAX.0
            ))),
        }
    }

    /// The limit, 1..=100.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl Default for Limit {
    /// [`Limit::DEFAULT`].
    fn default() -> Self {
        Limit::DEFAULT
    }
}

number_serde!(Limit, 1, Limit::MAX.0, Limit::DEFAULT.0);

/// How many pages `total` rows make at `limit` per page: `ceil(total / limit)`,
/// so 0 rows make 0 pages and 145 rows at 20 make 8.
pub const fn pages(total: u64, limit: Limit) -> u64 {
    total.div_ceil(limit.0 as u64)
}

/// The spec's `pagination` object.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pagination {
    /// The page returned, 1-based.
    pub page: u32,
    /// Rows per page requested.
    pub limit: u32,
    /// Rows matching the filters, over all pages.
    pub total: u64,
    /// `ceil(total / limit)`; see [`pages`].
    pub pages: u64,
}

impl Pagination {
    /// The pagination object for `total` matching rows.
    pub const fn new(page: Page, limit: Limit, total: u64) -> Self {
        Pagination {
            page: page.0,
            limit: limit.0,
            total,
            pages: pages(total, limit),
        }
    }
}

/// A paginated list: `{"data": [...], "pagination": {...}}`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListResponse<T> {
    /// The rows of this page.
    pub data: Vec<T>,
    /// Where this page sits in the whole list.
    pub pagination: Pagination,
}

/// An unpaginated list: `{"data": [...]}`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataList<T> {
    /// All rows.
    pub data: Vec<T>,
}

impl<T> From<Vec<T>> for DataList<T> {
    fn from(data: Vec<T>) -> Self {
        DataList { data }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_defaults_and_bounds() {
        assert_eq!(Page::default().get(), 1);
        assert!(Page::new(0).is_err());
        assert_eq!(Page::parse("3").unwrap().get(), 3);
        for bad in ["", "0", "-1", "1.5", " 2", "two", "99999999999"] {
            assert!(Page::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Page::parse("4294967295").unwrap().get(), u32::MAX);
    }

    #[test]
    fn limit_defaults_and_bounds() {
        assert_eq!(Limit::default().get(), 20);
        assert_eq!(Limit::parse("1").unwrap().get(), 1);
        assert_eq!(Limit::parse("100").unwrap().get(), 100);
        for bad in ["0", "101", "", "abc", "-5", "99999999999999"] {
            assert!(Limit::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Limit::parse("101").unwrap_err().reason(),
            "must be between 1 and 100"
        );
    }

    #[test]
    fn pages_rounds_up() {
        let l20 = Limit::new(20).unwrap();
        assert_eq!(pages(0, l20), 0);
        assert_eq!(pages(1, l20), 1);
        assert_eq!(pages(20, l20), 1);
        assert_eq!(pages(21, l20), 2);
        assert_eq!(pages(145, l20), 8);
        assert_eq!(pages(u64::MAX, Limit::new(1).unwrap()), u64::MAX);
        assert_eq!(Page::new(3).unwrap().offset(l20), 40);
        assert_eq!(Page::FIRST.offset(l20), 0);
        assert_eq!(
            Page::new(u32::MAX).unwrap().offset(Limit::MAX),
            (u32::MAX as u64 - 1) * 100
        );
    }

    #[test]
    fn pagination_object_matches_the_spec_example() {
        let p = Pagination::new(Page::FIRST, Limit::DEFAULT, 145);
        assert_eq!(
            serde_json::to_value(p).unwrap(),
            serde_json::json!({"page": 1, "limit": 20, "total": 145, "pages": 8})
        );
    }

    #[test]
    fn numbers_deserialise_from_json_numbers_and_query_strings() {
        assert_eq!(serde_json::from_str::<Limit>("50").unwrap().get(), 50);
        assert_eq!(serde_json::from_str::<Limit>("\"50\"").unwrap().get(), 50);
        assert!(serde_json::from_str::<Limit>("0").is_err());
        assert!(serde_json::from_str::<Limit>("-3").is_err());
        assert!(serde_json::from_str::<Limit>("5000000000").is_err());
        assert!(serde_json::from_str::<Page>("1.5").is_err());
        assert_eq!(serde_json::to_string(&Page::new(7).unwrap()).unwrap(), "7");
    }
}

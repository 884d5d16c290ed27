//! The languages a visitor is spoken to in: the widget's words and the visitor's mail
//! follow the same rule, so it lives here once.

/// A visitor's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Uzbek, the default.
    Uz,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl Lang {
    /// `ru`, `ru-RU` → Russian; `en`, `en-GB` → English; anything else (including `uz`,
    /// `uz-Cyrl` and the empty tag) → Uzbek, the product's default.
    pub fn parse(tag: &str) -> Lang {
        // The primary subtag, compared without allocating (the widget's bytes are wasm).
        let tag = tag.trim().as_bytes();
        let primary = tag
            .iter()
            .position(|b| *b == b'-' || *b == b'_')
            .map_or(tag, |end| &tag[..end]);
        if primary.eq_ignore_ascii_case(b"ru") {
            Lang::Ru
        } else if primary.eq_ignore_ascii_case(b"en") {
            Lang::En
        } else {
            Lang::Uz
        }
    }

    /// The primary subtag: `uz`, `ru` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Uz => "uz",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
}

//! Full-text search, the pure half: what an agent typed becomes an FTS5 query that can
//! only mean "these words", and what FTS5's `snippet()` returns becomes safe HTML.
//!
//! The index itself lives in the workspace's object (workspace migration 0008): its
//! tokenizer is `unicode61 remove_diacritics 2`, which folds case in Latin and Cyrillic
//! and drops accents, and splits at the Uzbek apostrophes `ʻ` and `ʼ` as at `'`, so
//! "oʻzbek" and "o'zbek" index and search alike.

/// The most words of a search that count; the rest are ignored, so a pasted paragraph
/// cannot make one query do unbounded work.
pub const MAX_TERMS: usize = 8;

/// What `snippet()` is asked to put around each matched word. Private-use characters,
/// which no keyboard types, so [`snippet_html`] can tell them from text.
pub const MARK_OPEN: &str = "\u{E000}";
/// See [`MARK_OPEN`].
pub const MARK_CLOSE: &str = "\u{E001}";

/// The FTS5 query for `text`: each word a quoted phrase (so `AND`, `NEAR`, `*`, `:` or
/// `"` typed by an agent are only text), all of them required, the last also matching
/// as the start of a longer word. `None` when no word holds a letter or digit: such a
/// search matches nothing, and FTS5 would refuse an empty phrase.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(MAX_TERMS)
        .collect();
    let last = words.len().checked_sub(1)?;
    let phrases: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = format!("\"{}\"", w.replace('"', "\"\""));
            if i == last {
                quoted + "*"
            } else {
                quoted
            }
        })
        .collect();
    Some(phrases.join(" "))
}

/// `raw`, a snippet with [`MARK_OPEN`]/[`MARK_CLOSE`] around matches, as HTML: every
/// `<`, `>`, `&`, `"` and `'` of the text escaped, the marks as `<mark>`/`</mark>`,
/// always balanced. The text is the visitor's and the agents' own, so nothing of it may
/// become markup.
pub fn snippet_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    let mut open = false;
    for c in raw.chars() {
        match c {
            '\u{E000}' if !open => {
                out.push_str("<mark>");
                open = true;
            }
            '\u{E001}' if open => {
                out.push_str("</mark>");
                open = false;
            }
            '\u{E000}' | '\u{E001}' => {}
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_a_quoted_phrase_and_the_last_a_prefix() {
        assert_eq!(fts_query("buyurtma"), Some("\"buyurtma\"*".into()));
        assert_eq!(
            fts_query("  Доставка   завтра "),
            Some("\"Доставка\" \"завтра\"*".into())
        );
    }

    #[test]
    fn query_syntax_typed_by_an_agent_is_only_text() {
        assert_eq!(
            fts_query("a\" OR \"b NEAR(x) col:y *"),
            Some("\"a\"\"\" \"OR\" \"\"\"b\" \"NEAR(x)\" \"col:y\"*".into())
        );
    }

    #[test]
    fn words_without_a_letter_or_digit_are_dropped() {
        assert_eq!(fts_query("- @ ... \"\""), None);
        assert_eq!(fts_query(""), None);
        assert_eq!(fts_query("?? narx"), Some("\"narx\"*".into()));
    }

    #[test]
    fn at_most_eight_words_count() {
        let q = fts_query("a b c d e f g h i j").unwrap();
        assert_eq!(q.matches('"').count(), 2 * MAX_TERMS);
        assert!(q.ends_with("\"h\"*"));
    }

    #[test]
    fn a_snippet_is_escaped_and_its_marks_balanced() {
        let raw = format!("<b>{MARK_OPEN}Narx{MARK_CLOSE} & 'shart'</b>");
        assert_eq!(
            snippet_html(&raw),
            "&lt;b&gt;<mark>Narx</mark> &amp; &#39;shart&#39;&lt;/b&gt;"
        );
        assert_eq!(
            snippet_html(&format!("{MARK_OPEN}a{MARK_OPEN}b")),
            "<mark>ab</mark>"
        );
        assert_eq!(snippet_html(&format!("x{MARK_CLOSE}y")), "xy");
    }
}

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

/// Indexes the messages queued in `search_pending` (workspace migration 0017) in one
/// transaction: their text into `search_messages`, and their terms into
/// `search_message_words` through the one-row scratch index of migration 0015, here
/// holding the whole batch. One FTS5 segment for the batch instead of one a message.
/// A queued message whose chat is already gone is dropped from the queue unindexed.
pub const CATCH_UP: &str = "
INSERT INTO search_messages (rowid, text)
SELECT (c.num << 32) | m.seq, m.text
  FROM search_pending p
  JOIN messages m ON m.chat_id = p.chat_id AND m.seq = p.seq
  JOIN chats c ON c.id = p.chat_id;
INSERT INTO search_scratch (search_scratch) VALUES ('delete-all');
INSERT INTO search_scratch (rowid, text)
SELECT row_number() OVER (), m.text
  FROM search_pending p
  JOIN messages m ON m.chat_id = p.chat_id AND m.seq = p.seq
  JOIN chats c ON c.id = p.chat_id;
INSERT OR IGNORE INTO search_message_words (term) SELECT term FROM search_scratch_terms;
INSERT INTO search_scratch (search_scratch) VALUES ('delete-all');
DELETE FROM search_pending;";

/// How many queued messages a write lets wait before it indexes them: a search indexes
/// whatever waits first, so this bounds only the queue, not what a search sees.
pub const CATCH_UP_AT: u32 = 64;

/// What `snippet()` is asked to put around each matched word. Private-use characters,
/// which no keyboard types, so [`snippet_html`] can tell them from text.
pub const MARK_OPEN: &str = "\u{E000}";
/// See [`MARK_OPEN`].
pub const MARK_CLOSE: &str = "\u{E001}";

/// The words of `text` that count: at most [`MAX_TERMS`], each holding a letter or
/// digit. Empty when nothing can be searched.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(MAX_TERMS)
        .map(str::to_string)
        .collect()
}

/// `word` as an FTS5 phrase: quoted, so `AND`, `NEAR`, `*`, `:` or `"` typed by an
/// agent are only text.
fn phrase(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// The FTS5 query for `text`: each word a quoted phrase, all of them required, the last
/// also matching as the start of a longer word. `None` when no word holds a letter or
/// digit: such a search matches nothing, and FTS5 would refuse an empty phrase.
pub fn fts_query(text: &str) -> Option<String> {
    prefix_query(&words(text))
}

/// [`fts_query`] of words already chosen by [`words`].
pub fn prefix_query(words: &[String]) -> Option<String> {
    let (last, head) = words.split_last()?;
    let mut phrases: Vec<String> = head.iter().map(|w| phrase(w)).collect();
    phrases.push(phrase(last) + "*");
    Some(phrases.join(" "))
}

/// The index terms that begin with `word`, as a range `[from, to)` of the index's
/// vocabulary, when the form the tokenizer gives `word` is certain: ASCII letters and
/// digits, and lower-case Cyrillic, which `unicode61` folds by case alone (it keeps
/// `й`, `ё`, `ў`, `қ` as they are). Anything else, an accent, an apostrophe that
/// splits the word or a dotted `İ`, gets `None`, and the search matches the prefix
/// itself, which is always right and only slower.
pub fn prefix_range(word: &str) -> Option<(String, String)> {
    let folded = word.to_lowercase();
    // Cyrillic letters, without the historic block's signs and combining marks.
    let plain = |c: char| {
        c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || ('а'..='џ').contains(&c)
            || ('\u{48A}'..='\u{4FF}').contains(&c)
    };
    if folded.is_empty() || !folded.chars().all(plain) {
        return None;
    }
    // Every letter allowed has a next code point that is not a surrogate, and UTF-8
    // orders strings as their code points, so the range is exactly the prefix.
    let mut to: Vec<char> = folded.chars().collect();
    let last = to.last_mut()?;
    *last = char::from_u32(u32::from(*last) + 1)?;
    Some((folded, to.into_iter().collect()))
}

/// The query that means what [`prefix_query`] means, once the index's terms that
/// begin with the last word are known: the other words as phrases and any one of
/// `terms` exactly. FTS5 merges a prefix's matches whole before it hands over the
/// first, however few are read; exact terms it reads lazily, newest first.
pub fn expanded_query(words: &[String], terms: &[String]) -> Option<String> {
    let (_, head) = words.split_last()?;
    if terms.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = head.iter().map(|w| phrase(w)).collect();
    let any: Vec<String> = terms.iter().map(|t| phrase(t)).collect();
    parts.push(format!("({})", any.join(" OR ")));
    Some(parts.join(" AND "))
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
    fn a_prefix_is_a_range_only_where_the_tokenizer_folds_by_case_alone() {
        assert_eq!(
            prefix_range("Kafolat"),
            Some(("kafolat".into(), "kafolau".into()))
        );
        assert_eq!(
            prefix_range("ДОСТАВКА"),
            Some(("доставка".into(), "доставкб".into()))
        );
        assert_eq!(prefix_range("ref9"), Some(("ref9".into(), "ref:".into())));
        for uncertain in ["toʻlov", "o'z", "école", "İstanbul", "sergey@mail.ru", "½"] {
            assert_eq!(prefix_range(uncertain), None, "{uncertain}");
        }
    }

    #[test]
    fn an_expanded_query_keeps_the_other_words_and_any_one_term() {
        let words = vec!["buyurtma".to_string(), "na\"rx".to_string()];
        assert_eq!(
            expanded_query(&words, &["narx".into(), "narxi".into()]),
            Some("\"buyurtma\" AND (\"narx\" OR \"narxi\")".into())
        );
        assert_eq!(expanded_query(&words, &[]), None);
        assert_eq!(expanded_query(&[], &["narx".into()]), None);
        assert_eq!(
            prefix_query(&words),
            Some("\"buyurtma\" \"na\"\"rx\"*".into())
        );
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

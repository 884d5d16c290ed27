//! Pure text rules of the panel: links found in a message, an agent's initials, a
//! message's time. Native unit tests below; every byte here is wasm, so no regex.

/// A piece of a message: plain text, or an `http(s)` link to make clickable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Link(String),
}

/// Splits `text` into plain runs and `http://` / `https://` links. A link ends at
/// whitespace; trailing punctuation that usually closes a sentence (`.,;:!?)]'"`)
/// stays text, so "see https://x.uz/a." links to `https://x.uz/a`.
pub fn pieces(text: &str) -> Vec<Piece> {
    // Split with `split_at_checked` and `get`, never `&s[a..b]`: indexing a str brings
    // core's char-boundary panic and its Debug formatting of chars (about 3 KB of wasm).
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((before, tail)) = next_link(rest).and_then(|i| rest.split_at_checked(i)) {
        let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        let (word, after) = tail.split_at_checked(end).unwrap_or((tail, ""));
        let link = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'', '"']);
        // "https://" alone is not a link.
        let scheme = if link.starts_with("https://") { 8 } else { 7 };
        push_text(&mut out, before);
        if link.len() <= scheme {
            push_text(&mut out, word);
            rest = after;
            continue;
        }
        out.push(Piece::Link(link.to_string()));
        rest = tail.get(link.len()..).unwrap_or_default();
    }
    push_text(&mut out, rest);
    out
}

/// Where the next `http://` or `https://` starts (case-sensitive, as people type them),
/// at the start of the text or after a non-alphanumeric character.
fn next_link(text: &str) -> Option<usize> {
    // A byte scan: `str::find` with a string pattern brings a two-way searcher.
    let bytes = text.as_bytes();
    (0..bytes.len()).find(|&i| {
        let after = &bytes[i..];
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        boundary && (after.starts_with(b"https://") || after.starts_with(b"http://"))
    })
}

fn push_text(out: &mut Vec<Piece>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Piece::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Piece::Text(text.to_string()));
    }
}

/// Up to two initials of a display name, as written: "Dilnoza Karimova" → "DK" (the
/// avatar's CSS upper-cases them: Unicode case tables in Rust would cost the wasm KBs).
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect()
}

/// `14:05`.
pub fn clock(hours: u32, minutes: u32) -> String {
    format!("{hours:02}:{minutes:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Piece {
        Piece::Text(s.into())
    }
    fn l(s: &str) -> Piece {
        Piece::Link(s.into())
    }

    #[test]
    fn links_are_found_and_sentence_punctuation_is_left_out() {
        assert_eq!(
            pieces("Narxlar: https://x.uz/narx. Yana http://a.b/c?d=1#e"),
            vec![
                t("Narxlar: "),
                l("https://x.uz/narx"),
                t(". Yana "),
                l("http://a.b/c?d=1#e")
            ]
        );
        assert_eq!(
            pieces("(https://x.uz)"),
            vec![t("("), l("https://x.uz"), t(")")]
        );
        assert_eq!(pieces("https://x.uz"), vec![l("https://x.uz")]);
    }

    #[test]
    fn text_without_a_real_link_stays_one_text() {
        assert_eq!(pieces("salom"), vec![t("salom")]);
        assert_eq!(pieces(""), vec![]);
        assert_eq!(pieces("https:// yo'q"), vec![t("https:// yo'q")]);
        assert_eq!(pieces("xhttps://x.uz"), vec![t("xhttps://x.uz")]);
        assert_eq!(
            pieces("javascript:alert(1)"),
            vec![t("javascript:alert(1)")]
        );
        assert_eq!(pieces("ftp://x.uz"), vec![t("ftp://x.uz")]);
    }

    #[test]
    fn initials_take_the_first_two_words() {
        assert_eq!(initials("Dilnoza Karimova"), "DK");
        assert_eq!(initials("  ali  "), "a");
        assert_eq!(initials("Анна Мария Петровна"), "АМ");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn clock_pads_to_two_digits() {
        assert_eq!(clock(9, 5), "09:05");
        assert_eq!(clock(23, 59), "23:59");
    }
}

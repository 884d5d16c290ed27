//! Incoming mail (RFC 5322 with MIME) read into what a chat needs: who sent it, its
//! subject, its text and its attachments. Mail clients of our users send UTF-8, and
//! older Russian ones windows-1251 or KOI8-R; those are decoded, anything else is read
//! as Latin-1 rather than refused.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

/// What was read from one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inbound {
    /// The `From:` address, lower-cased.
    pub from: Option<String>,
    pub subject: String,
    /// The plain-text body, or the HTML body as text when there is no plain one.
    pub text: String,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Reads `raw`; a message with no readable text gives an empty `text`.
pub fn parse(raw: &[u8]) -> Inbound {
    let (headers, body) = split_head(raw);
    let mut found = Found::default();
    walk(&headers, body, &mut found, 0);
    let text = found
        .plain
        .or_else(|| found.html.map(|h| html_to_text(&h)))
        .unwrap_or_default();
    Inbound {
        from: header(&headers, "from").and_then(|v| address_of(&decode_words(&v))),
        subject: header(&headers, "subject")
            .map(|v| decode_words(&v))
            .unwrap_or_default(),
        text: text.replace("\r\n", "\n"),
        attachments: found.attachments,
    }
}

#[derive(Default)]
struct Found {
    plain: Option<String>,
    html: Option<String>,
    attachments: Vec<Attachment>,
}

/// Nested multiparts deeper than this are not read (a hostile message could nest
/// without end).
const MAX_DEPTH: usize = 8;

fn walk(headers: &[(String, String)], body: &[u8], found: &mut Found, depth: usize) {
    let content_type = header(headers, "content-type").unwrap_or_else(|| "text/plain".into());
    let (kind, params) = parameters(&content_type);
    let disposition = header(headers, "content-disposition").unwrap_or_default();
    let (disposition_kind, disposition_params) = parameters(&disposition);
    if kind.starts_with("multipart/") {
        let Some(boundary) = params.get("boundary") else {
            return;
        };
        if depth >= MAX_DEPTH {
            return;
        }
        for part in split_parts(body, boundary) {
            let (h, b) = split_head(part);
            walk(&h, b, found, depth + 1);
        }
        return;
    }
    let encoding = header(headers, "content-transfer-encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let bytes = match encoding.trim() {
        "base64" => {
            let clean: Vec<u8> = body
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            B64.decode(clean).unwrap_or_default()
        }
        "quoted-printable" => decode_quoted_printable(body),
        _ => body.to_vec(),
    };
    let filename = disposition_params
        .get("filename")
        .or_else(|| params.get("name"))
        .map(|n| decode_words(n));
    let attachment = disposition_kind == "attachment" || filename.is_some();
    if attachment && (filename.is_some() || !kind.starts_with("text/plain")) {
        found.attachments.push(Attachment {
            filename: filename.unwrap_or_else(|| "attachment".into()),
            content_type: kind,
            bytes,
        });
        return;
    }
    let charset = params.get("charset").map(String::as_str).unwrap_or("utf-8");
    match kind.as_str() {
        "text/plain" if found.plain.is_none() => {
            found.plain = Some(decode_charset(&bytes, charset))
        }
        "text/html" if found.html.is_none() => found.html = Some(decode_charset(&bytes, charset)),
        _ => {}
    }
}

/// Headers (unfolded, names lower-cased) and the body after the first empty line.
fn split_head(raw: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let (head, body) = match find(raw, b"\r\n\r\n") {
        Some(at) => (&raw[..at], &raw[at + 4..]),
        None => match find(raw, b"\n\n") {
            Some(at) => (&raw[..at], &raw[at + 2..]),
            None => (raw, &raw[raw.len()..]),
        },
    };
    let head = String::from_utf8_lossy(head);
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    (headers, body)
}

fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// `text/plain; charset="utf-8"` → (`text/plain`, {charset: utf-8}).
fn parameters(value: &str) -> (String, std::collections::HashMap<String, String>) {
    let mut parts = value.split(';');
    let kind = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let params = parts
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            let k = k.trim().to_ascii_lowercase();
            let k = k.trim_end_matches('*').to_string();
            let v = v.trim().trim_matches('"').to_string();
            // RFC 2231's utf-8''name form.
            let v = match v.split_once("''") {
                Some((_, encoded)) if k == "filename" || k == "name" => percent_decode(encoded),
                _ => v,
            };
            (k, v)
        })
        .collect();
    (kind, params)
}

fn split_parts<'a>(body: &'a [u8], boundary: &str) -> Vec<&'a [u8]> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    let mut rest = body;
    let Some(first) = find(rest, delimiter) else {
        return parts;
    };
    rest = &rest[first + delimiter.len()..];
    while !rest.starts_with(b"--") {
        let start = rest
            .iter()
            .position(|b| *b == b'\n')
            .map_or(rest.len(), |p| p + 1);
        rest = &rest[start..];
        let Some(end) = find(rest, delimiter) else {
            parts.push(rest);
            break;
        };
        let mut part = &rest[..end];
        if part.ends_with(b"\r\n") {
            part = &part[..part.len() - 2];
        } else if part.ends_with(b"\n") {
            part = &part[..part.len() - 1];
        }
        parts.push(part);
        rest = &rest[end + delimiter.len()..];
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn decode_quoted_printable(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'=' if body.get(i + 1) == Some(&b'\r') && body.get(i + 2) == Some(&b'\n') => i += 3,
            b'=' if body.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' => match body
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                }
                None => {
                    out.push(b'=');
                    i += 1;
                }
            },
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 2047 words (`=?utf-8?B?…?=`, `=?koi8-r?Q?…?=`) decoded; whitespace between two
/// words goes, as the RFC says.
pub fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        let Some(word) = encoded_word(&rest[start..]) else {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            last_was_word = false;
            continue;
        };
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        out.push_str(&word.1);
        rest = &rest[start + word.0..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
}

/// The length of the encoded word at the start of `text` and its decoded text.
fn encoded_word(text: &str) -> Option<(usize, String)> {
    let inner = text.strip_prefix("=?")?;
    let (charset, inner) = inner.split_once('?')?;
    let (encoding, inner) = inner.split_once('?')?;
    let end = inner.find("?=")?;
    let payload = &inner[..end];
    let bytes = match encoding.to_ascii_lowercase().as_str() {
        "b" => B64.decode(payload).ok()?,
        "q" => decode_quoted_printable(payload.replace('_', " ").as_bytes()),
        _ => return None,
    };
    let length = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    Some((length, decode_charset(&bytes, charset)))
}

/// `Name <a@b>` or `a@b` → `a@b`, lower-cased.
fn address_of(value: &str) -> Option<String> {
    let address = match (value.rfind('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => &value[start + 1..end],
        _ => value,
    };
    let address = address.trim();
    address.contains('@').then(|| address.to_ascii_lowercase())
}

/// Bytes in `charset` as text.
pub fn decode_charset(bytes: &[u8], charset: &str) -> String {
    let charset = charset.trim().trim_matches('"').to_ascii_lowercase();
    match charset.as_str() {
        "windows-1251" | "cp1251" => bytes.iter().map(|&b| cp1251(b)).collect(),
        "koi8-r" => bytes.iter().map(|&b| koi8r(b)).collect(),
        "iso-8859-1" | "latin1" | "us-ascii" | "ascii" if !bytes.is_ascii() => {
            bytes.iter().map(|&b| char::from(b)).collect()
        }
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn cp1251(b: u8) -> char {
    const HIGH: [u16; 64] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409,
        0x2039, 0x040A, 0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0,
        0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB,
        0x00AC, 0x00AD, 0x00AE, 0x0407, 0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6,
        0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    ];
    match b {
        0..=0x7f => char::from(b),
        0x80..=0xbf => char::from_u32(u32::from(HIGH[usize::from(b - 0x80)])).unwrap_or('\u{fffd}'),
        _ => char::from_u32(0x0410 + u32::from(b - 0xc0)).unwrap_or('\u{fffd}'),
    }
}

fn koi8r(b: u8) -> char {
    const LETTERS: &str = "юабцдефгхийклмнопярстужвьызшэщчъЮАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗШЭЩЧЪ";
    match b {
        0..=0x7f => char::from(b),
        0xa3 => 'ё',
        0xb3 => 'Ё',
        0xc0..=0xff => LETTERS
            .chars()
            .nth(usize::from(b - 0xc0))
            .unwrap_or('\u{fffd}'),
        _ => '\u{fffd}',
    }
}

/// HTML as readable text: block ends and `<br>` become line breaks, quoted blocks
/// become `>` lines (so the quote stripper sees them), tags go, entities decode.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let mut quote_depth = 0usize;
    // The element whose content is not text (style, script…) until it closes.
    let mut skipping: Option<String> = None;
    while let Some(open) = rest.find('<') {
        if skipping.is_none() {
            push_text(&mut out, &rest[..open], quote_depth);
        }
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = rest[open + 1..open + close].trim().to_ascii_lowercase();
        rest = &rest[open + close + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let closing = tag.starts_with('/');
        if let Some(skipped) = &skipping {
            if closing && name == *skipped {
                skipping = None;
            }
            continue;
        }
        match name.as_str() {
            "style" | "script" | "head" | "title" if !closing => skipping = Some(name),
            "blockquote" if !closing => {
                quote_depth += 1;
                out.push('\n');
            }
            "blockquote" => {
                quote_depth = quote_depth.saturating_sub(1);
                out.push('\n');
            }
            "br" | "p" | "div" | "tr" | "li" | "h1" | "h2" | "h3" | "hr" => out.push('\n'),
            _ => {}
        }
    }
    if skipping.is_none() {
        push_text(&mut out, rest, quote_depth);
    }
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    let mut text = lines.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim().to_string()
}

fn push_text(out: &mut String, text: &str, quote_depth: usize) {
    let text = decode_entities(&text.replace(['\r', '\n'], " "));
    if text.trim().is_empty() && text.contains(' ') && !out.ends_with([' ', '\n']) {
        out.push(' ');
        return;
    }
    if quote_depth > 0 && (out.is_empty() || out.ends_with('\n')) && !text.trim().is_empty() {
        out.push_str(&"> ".repeat(quote_depth));
    }
    out.push_str(if out.ends_with('\n') {
        text.trim_start()
    } else {
        &text
    });
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';').filter(|s| *s <= 8) else {
            out.push('&');
            rest = after;
            continue;
        };
        let entity = &after[..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_message_gives_its_sender_subject_and_text() {
        let raw = b"From: Ali Valiyev <Ali@Example.UZ>\r\nSubject: Re: Savol\r\n\r\nRahmat!\r\n";
        let mail = parse(raw);
        assert_eq!(mail.from.as_deref(), Some("ali@example.uz"));
        assert_eq!(mail.subject, "Re: Savol");
        assert_eq!(mail.text.trim(), "Rahmat!");
    }

    #[test]
    fn encoded_words_decode_in_utf8_koi8_and_quoted_printable() {
        assert_eq!(decode_words("=?UTF-8?B?0J/RgNC40LLQtdGC?="), "Привет");
        assert_eq!(
            decode_words("=?koi8-r?Q?=F0=D2=C9=D7=C5=D4?= mir"),
            "Привет mir"
        );
        assert_eq!(decode_words("=?utf-8?q?a_b?= =?utf-8?q?c?="), "a bc");
        assert_eq!(decode_words("plain =? text"), "plain =? text");
    }

    #[test]
    fn windows_1251_text_decodes() {
        // "Ёлка и ёж" in windows-1251.
        let bytes = [0xA8, 0xEB, 0xEA, 0xE0, 0x20, 0xE8, 0x20, 0xB8, 0xE6];
        assert_eq!(decode_charset(&bytes, "windows-1251"), "Ёлка и ёж");
    }

    #[test]
    fn a_multipart_message_prefers_the_plain_part_and_keeps_attachments() {
        let raw = "From: a@b.uz\r\nContent-Type: multipart/mixed; boundary=\"X\"\r\n\r\n\
            --X\r\nContent-Type: multipart/alternative; boundary=Y\r\n\r\n\
            --Y\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
            Narxi 15=20000 so=CA=BBm=\r\n.\r\n--Y\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--Y--\r\n\
            --X\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"chek.png\"\r\n\
            Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--X--\r\n";
        let mail = parse(raw.as_bytes());
        assert_eq!(mail.text, "Narxi 15 000 soʻm.");
        assert_eq!(mail.attachments.len(), 1);
        assert_eq!(mail.attachments[0].filename, "chek.png");
        assert_eq!(mail.attachments[0].content_type, "image/png");
        assert_eq!(mail.attachments[0].bytes[..4], [0x89, b'P', b'N', b'G']);
    }

    #[test]
    fn html_alone_becomes_text_with_quotes_marked() {
        let html = "<html><head><style>p{}</style></head><body><div>Ha, &quot;keladi&quot;</div>\
            <blockquote><p>Old &amp; quoted</p></blockquote></body></html>";
        assert_eq!(html_to_text(html), "Ha, \"keladi\"\n\n> Old & quoted");
    }

    #[test]
    fn endless_nesting_and_garbage_do_not_panic() {
        let mut raw = String::new();
        for i in 0..50 {
            raw.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n"
            ));
        }
        let _ = parse(raw.as_bytes());
        let _ = parse(b"\xff\xfe=?utf-8?B?!!!?=");
        let _ = parse(b"");
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_parse_without_panicking(raw in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let _ = parse(&raw);
        }
    }
}

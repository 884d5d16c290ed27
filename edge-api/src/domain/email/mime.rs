//! Outgoing mail as RFC 5322 text: `multipart/alternative` with a plain-text and an HTML
//! part, both UTF-8 in base64, and headers in RFC 2047 words where they are not ASCII.
//! The send binding takes the whole message as text (`EmailMessage`), so what is
//! rendered here is exactly what a mail client receives.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

/// A display name and an address: `"Dilnoza" <dilnoza@shop.uz>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub address: String,
}

impl Mailbox {
    pub fn new(name: Option<&str>, address: &str) -> Mailbox {
        Mailbox {
            name: name.map(str::to_string).filter(|n| !n.trim().is_empty()),
            address: address.to_string(),
        }
    }

    fn header(&self) -> String {
        match &self.name {
            Some(name) => format!("{} <{}>", display_name(name), one_line(&self.address)),
            None => one_line(&self.address),
        }
    }
}

/// One message, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub from: Mailbox,
    pub to: Mailbox,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `<id@domain>`, angle brackets included.
    pub message_id: String,
    /// The thread's first message id, so clients keep one conversation one thread.
    pub thread: Option<String>,
    /// An https link that stops this mail (RFC 8058 one-click when `one_click`).
    pub unsubscribe: Option<String>,
    /// RFC 5322 date, e.g. `Tue, 01 Dec 2026 19:12:00 +0000`.
    pub date: String,
}

impl Outgoing {
    /// The whole message with CRLF line ends. `boundary` must not occur in the parts
    /// (base64 never contains `=_`, which every boundary here starts with).
    pub fn render(&self, boundary: &str) -> String {
        let mut out = String::new();
        // Every value is one line (`one_line`) or encoded words with our own folds.
        let mut header = |name: &str, value: &str| {
            out.push_str(name);
            out.push_str(": ");
            out.push_str(value);
            out.push_str("\r\n");
        };
        header("From", &self.from.header());
        header("To", &self.to.header());
        if let Some(reply_to) = &self.reply_to {
            header("Reply-To", &one_line(reply_to));
        }
        header("Subject", &encode_word(&one_line(&self.subject)));
        header("Date", &one_line(&self.date));
        header("Message-ID", &one_line(&self.message_id));
        if let Some(thread) = &self.thread {
            header("In-Reply-To", &one_line(thread));
            header("References", &one_line(thread));
        }
        if let Some(link) = &self.unsubscribe {
            header("List-Unsubscribe", &format!("<{}>", one_line(link)));
            header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        // Keeps vacation responders from answering into the chat.
        header("Auto-Submitted", "auto-generated");
        header("MIME-Version", "1.0");
        header(
            "Content-Type",
            &format!("multipart/alternative; boundary=\"{boundary}\""),
        );
        out.push_str("\r\n");
        for (kind, body) in [("text/plain", &self.text), ("text/html", &self.html)] {
            out.push_str(&format!("--{boundary}\r\n"));
            out.push_str(&format!("Content-Type: {kind}; charset=utf-8\r\n"));
            out.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
            out.push_str(&wrapped_base64(body.as_bytes()));
        }
        out.push_str(&format!("--{boundary}--\r\n"));
        out
    }
}

/// `text` as one RFC 2047 encoded word per 45 bytes when it is not plain ASCII.
pub fn encode_word(text: &str) -> String {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text.to_string();
    }
    // Encoded words may be at most 75 characters: 45 bytes are 60 in base64. Chunks
    // end on character boundaries so each word decodes alone.
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", B64.encode(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", B64.encode(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

/// A display name as a quoted string, or as encoded words when it is not ASCII.
fn display_name(name: &str) -> String {
    let name = one_line(name);
    if name.is_ascii() {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        encode_word(&name)
    }
}

/// No header value may carry a line break of its own (header injection).
fn one_line(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

fn wrapped_base64(bytes: &[u8]) -> String {
    let encoded = B64.encode(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 76 * 2 + 2);
    for line in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

/// `&`, `<`, `>`, `"` and `'` as entities: the only way text goes into a mail's HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> Outgoing {
        Outgoing {
            from: Mailbox::new(Some("Do'kon \"Bahor\""), "chat@mail.example"),
            to: Mailbox::new(Some("Дильноза"), "dilnoza@example.uz"),
            reply_to: Some("chat+abc@reply.example".into()),
            subject: "Новый ответ от Bahor".into(),
            text: "Salom!\nBuyurtmangiz yo'lda.".into(),
            html: "<p>Salom!</p>".into(),
            message_id: "<m1@mail.example>".into(),
            thread: Some("<t1@mail.example>".into()),
            unsubscribe: Some("https://chat.example/v1/public/unsubscribe?token=x".into()),
            date: "Tue, 01 Dec 2026 19:12:00 +0000".into(),
        }
    }

    fn decoded_parts(raw: &str) -> Vec<String> {
        raw.split("--=_b\r\n")
            .skip(1)
            .map(|part| {
                let body = part.split("\r\n\r\n").nth(1).unwrap();
                let body: String = body.lines().take_while(|l| !l.starts_with("--")).collect();
                String::from_utf8(B64.decode(body).unwrap()).unwrap()
            })
            .collect()
    }

    #[test]
    fn a_message_renders_its_headers_and_both_parts() {
        let raw = message().render("=_b");
        assert!(raw.contains("From: \"Do'kon \\\"Bahor\\\"\" <chat@mail.example>\r\n"));
        assert!(raw.contains("Reply-To: chat+abc@reply.example\r\n"));
        assert!(raw.contains("In-Reply-To: <t1@mail.example>\r\n"));
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
        assert!(raw.ends_with("--=_b--\r\n"));
        assert_eq!(
            decoded_parts(&raw),
            vec!["Salom!\nBuyurtmangiz yo'lda.", "<p>Salom!</p>"]
        );
        assert!(raw.lines().all(|l| l.len() <= 998));
    }

    #[test]
    fn non_ascii_headers_are_encoded_words_that_decode_back() {
        let raw = message().render("=_b");
        let subject = raw
            .split("\r\n")
            .skip_while(|l| !l.starts_with("Subject:"))
            .take_while(|l| l.starts_with("Subject:") || l.starts_with(' '))
            .collect::<Vec<_>>()
            .join("");
        let decoded: String = subject
            .trim_start_matches("Subject: ")
            .split_whitespace()
            .map(|w| {
                let b = w.trim_start_matches("=?UTF-8?B?").trim_end_matches("?=");
                String::from_utf8(B64.decode(b).unwrap()).unwrap()
            })
            .collect();
        assert_eq!(decoded, "Новый ответ от Bahor");
        assert!(raw.contains("To: =?UTF-8?B?"));
    }

    #[test]
    fn a_line_break_in_a_header_value_cannot_add_a_header() {
        let mut m = message();
        m.subject = "Hi\r\nBcc: victim@example.com".into();
        m.from.name = Some("A\nBcc: x@y".into());
        let raw = m.render("=_b");
        assert!(!raw.contains("\r\nBcc:"));
        assert!(!raw.contains("\nBcc:"));
    }

    #[test]
    fn html_escaping_leaves_no_markup() {
        assert_eq!(
            escape_html("<img src=x onerror='a()'> & \"q\""),
            "&lt;img src=x onerror=&#39;a()&#39;&gt; &amp; &quot;q&quot;"
        );
    }

    proptest::proptest! {
        #[test]
        fn encoded_words_are_short_and_decode_to_the_text(text in "\\PC{0,80}") {
            let encoded = encode_word(&text);
            if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                proptest::prop_assert_eq!(&encoded, &text);
            } else {
                let mut back = String::new();
                for word in encoded.split("\r\n ") {
                    proptest::prop_assert!(word.len() <= 75);
                    let b = word.trim_start_matches("=?UTF-8?B?").trim_end_matches("?=");
                    back.push_str(&String::from_utf8(B64.decode(b).unwrap()).unwrap());
                }
                proptest::prop_assert_eq!(back, text);
            }
        }
    }
}

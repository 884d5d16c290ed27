//! What a person wrote in a reply by email, without what their mail client added: the
//! quoted history (Gmail's "On … wrote:", Outlook's header block, Apple Mail's
//! "On …, at …, … wrote:", and their Russian and Uzbek forms), `>` lines, and the
//! signature. Our own mail carries a marker line above the history, which is the
//! surest cut of all.

/// The line every outgoing mail puts above its content; a reply is cut where it shows.
pub const MARKER: &str = "##- ↑ -##";

/// The new text of a reply, trimmed; empty when the reply only quoted.
pub fn new_text(body: &str) -> String {
    let lines: Vec<&str> = body.lines().map(|l| l.trim_end_matches('\r')).collect();
    let cut = (0..lines.len())
        .find(|&i| starts_history(&lines, i))
        .unwrap_or(lines.len());
    let kept: Vec<&str> = lines[..cut]
        .iter()
        .copied()
        .filter(|l| !l.trim_start().starts_with('>'))
        .collect();
    kept.join("\n").trim().to_string()
}

/// Whether line `i` starts what the client appended.
fn starts_history(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let lower = line.to_lowercase();
    if line.contains(MARKER) || line == "--" || lines[i] == "-- " {
        return true;
    }
    if line.starts_with("-----Original Message-----")
        || line.starts_with("----- Original Message -----")
        || lower.starts_with("-----исходное сообщение-----")
        || (line.len() >= 10 && line.chars().all(|c| c == '_'))
    {
        return true;
    }
    // Mobile signatures, in the languages of our users.
    let signatures = [
        "sent from my ",
        "get outlook for ",
        "отправлено с ",
        "отправлено из ",
        "mening iphone",
    ];
    if signatures.iter().any(|s| lower.starts_with(s)) {
        return true;
    }
    // "On <date>, <name> wrote:" (Gmail, Apple Mail), possibly broken over two lines;
    // "пн, 1 дек. 2026 г. в 19:12, Имя <a@b>:" (Gmail in Russian).
    let joined = match lines.get(i + 1) {
        Some(next) => format!("{lower} {}", next.trim().to_lowercase()),
        None => lower.clone(),
    };
    let attribution = |text: &str| {
        text.ends_with("wrote:")
            || text.ends_with("написал:")
            || text.ends_with("написала:")
            || text.ends_with("написал(а):")
            || text.ends_with("yozdi:")
            || (text.contains('@') && text.ends_with(">:"))
    };
    let quoted_next = lines
        .iter()
        .skip(i + 1)
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_start().starts_with('>'));
    if (lower.starts_with("on ") || lower.contains(" at ") || lower.contains(", "))
        && (attribution(&lower) || attribution(&joined))
        && (quoted_next || lower.starts_with("on "))
    {
        return true;
    }
    // Outlook's block: "From: …" then "Sent:"/"Date:" within the next lines.
    let from = ["from:", "от:", "kimdan:"];
    let sent = ["sent:", "date:", "отправлено:", "дата:", "yuborildi:"];
    if from.iter().any(|f| lower.starts_with(f)) {
        return lines.iter().skip(i + 1).take(3).any(|l| {
            let l = l.trim().to_lowercase();
            sent.iter().any(|s| l.starts_with(s))
        });
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::email::inbound;

    fn reply_of(fixture: &str) -> String {
        new_text(&inbound::parse(fixture.as_bytes()).text)
    }

    #[test]
    fn gmail_quoting_is_stripped() {
        let text = reply_of(include_str!("../../../../tests/fixtures/email/gmail.eml"));
        assert_eq!(text, "Rahmat, ertaga olib ketaman.");
    }

    #[test]
    fn gmail_in_russian_is_stripped() {
        let text = reply_of(include_str!(
            "../../../../tests/fixtures/email/gmail-ru.eml"
        ));
        assert_eq!(text, "Спасибо! А доставка в Самарканд есть?");
    }

    #[test]
    fn outlook_quoting_and_its_signature_are_stripped() {
        let text = reply_of(include_str!("../../../../tests/fixtures/email/outlook.eml"));
        assert_eq!(
            text,
            "Yes, please send the invoice to this address.\n\nThanks"
        );
    }

    #[test]
    fn apple_mail_quoting_and_signature_are_stripped() {
        let text = reply_of(include_str!("../../../../tests/fixtures/email/apple.eml"));
        assert_eq!(text, "Ok, kutaman.");
    }

    #[test]
    fn our_marker_cuts_even_without_an_attribution_line() {
        let body = format!("Yes\n\n{MARKER}\nOld text\n");
        assert_eq!(new_text(&body), "Yes");
    }

    #[test]
    fn a_plain_message_is_kept_whole() {
        let body = "First line\nOn Monday I will come.\nBest, Ali";
        assert_eq!(new_text(body), body);
    }

    #[test]
    fn interleaved_quotes_are_dropped() {
        let body = "> Which size?\nM, please.\n> Colour?\nBlue.";
        assert_eq!(new_text(body), "M, please.\nBlue.");
    }
}

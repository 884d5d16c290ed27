//! The words and layout of each mail, in Uzbek, Russian and English, as plain text and
//! HTML. Every text that came from a person (names, messages, the workspace's name) is
//! escaped on its way into the HTML; links are ours.

use super::mime::escape_html;
use super::reply::MARKER;

pub use shared_types::lang::Lang;

/// One message as a mail shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub author: String,
    pub text: String,
    /// Already formatted for the reader, e.g. `19:12`.
    pub at: String,
}

/// A finished mail's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

struct Words {
    reply_subject: &'static str,
    reply_intro: &'static str,
    reply_hint: &'static str,
    transcript_subject: &'static str,
    transcript_intro: &'static str,
    unsubscribe: &'static str,
    marker_hint: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Uz => Words {
            reply_subject: "{ws}dan yangi javob",
            reply_intro: "{ws} sizning savolingizga javob berdi:",
            reply_hint: "Suhbatni davom ettirish uchun shu xatga javob yozing.",
            transcript_subject: "{ws} bilan suhbatingiz",
            transcript_intro: "{ws} bilan suhbatingiz to'liq matni:",
            unsubscribe: "Xatlarni to'xtatish",
            marker_hint: "Javobingizni shu qatordan yuqoriga yozing",
        },
        Lang::Ru => Words {
            reply_subject: "Новый ответ от {ws}",
            reply_intro: "{ws} ответил(а) на ваше сообщение:",
            reply_hint: "Чтобы продолжить разговор, просто ответьте на это письмо.",
            transcript_subject: "Ваш разговор с {ws}",
            transcript_intro: "Полный текст вашего разговора с {ws}:",
            unsubscribe: "Отписаться от писем",
            marker_hint: "Пишите ответ над этой строкой",
        },
        Lang::En => Words {
            reply_subject: "New reply from {ws}",
            reply_intro: "{ws} replied to your message:",
            reply_hint: "Reply to this email to continue the conversation.",
            transcript_subject: "Your conversation with {ws}",
            transcript_intro: "The whole of your conversation with {ws}:",
            unsubscribe: "Unsubscribe",
            marker_hint: "Write your reply above this line",
        },
    }
}

/// The workspace as a mail shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    pub name: String,
    /// An https image URL, shown above the messages.
    pub logo_url: Option<String>,
}

/// New agent messages for a visitor who has left the page.
pub fn visitor_reply(lang: Lang, brand: &Brand, lines: &[Line], unsubscribe: &str) -> Mail {
    let w = words(lang);
    conversation_mail(
        lang,
        brand,
        &w.reply_subject.replace("{ws}", &brand.name),
        &w.reply_intro.replace("{ws}", &brand.name),
        w.reply_hint,
        lines,
        Some(unsubscribe),
    )
}

/// The whole conversation, asked for by the visitor after it closed.
pub fn transcript(lang: Lang, brand: &Brand, lines: &[Line], unsubscribe: &str) -> Mail {
    let w = words(lang);
    conversation_mail(
        lang,
        brand,
        &w.transcript_subject.replace("{ws}", &brand.name),
        &w.transcript_intro.replace("{ws}", &brand.name),
        "",
        lines,
        Some(unsubscribe),
    )
}

/// What an agent is told of a visitor nobody has answered.
pub struct Notice<'a> {
    pub brand: &'a Brand,
    pub visitor_name: Option<&'a str>,
    pub visitor_email: Option<&'a str>,
    pub page_url: Option<&'a str>,
    pub console_url: &'a str,
}

/// The agents' mail, in English: agents read the console's language, which is English.
pub fn agent_notice(notice: &Notice, lines: &[Line]) -> Mail {
    let who = notice.visitor_name.unwrap_or("A visitor");
    let subject = format!("{who} is waiting for a reply ({})", notice.brand.name);
    let mut facts = vec![("Visitor", who.to_string())];
    if let Some(email) = notice.visitor_email {
        facts.push(("Email", email.to_string()));
    }
    if let Some(page) = notice.page_url {
        facts.push(("Page", page.to_string()));
    }
    let mut text = format!("{}\n\n", MARKER);
    text.push_str("Reply to this email to answer in the chat, or open it in the console.\n\n");
    for (k, v) in &facts {
        text.push_str(&format!("{k}: {v}\n"));
    }
    text.push('\n');
    push_text_lines(&mut text, lines);
    text.push_str(&format!("\nOpen the chat: {}\n", notice.console_url));
    let facts_html: String = facts
        .iter()
        .map(|(k, v)| {
            format!(
                "<tr><td style=\"color:#555;padding-right:12px\">{k}</td><td>{}</td></tr>",
                escape_html(v)
            )
        })
        .collect();
    let body = format!(
        "<p style=\"color:#555;font-size:12px\">{marker} Reply above this line to answer in the chat.</p>\
         <table style=\"font-size:14px;margin:0 0 16px\">{facts_html}</table>{messages}\
         <p><a href=\"{link}\" style=\"background:#2563eb;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none\">Open the chat</a></p>",
        marker = escape_html(MARKER),
        messages = html_lines(lines),
        link = escape_html(notice.console_url),
    );
    Mail {
        html: page(Lang::En, notice.brand, &subject, &body, None),
        subject,
        text,
    }
}

fn conversation_mail(
    lang: Lang,
    brand: &Brand,
    subject: &str,
    intro: &str,
    hint: &str,
    lines: &[Line],
    unsubscribe: Option<&str>,
) -> Mail {
    let w = words(lang);
    let mut text = String::new();
    if !hint.is_empty() {
        text.push_str(&format!("{MARKER} {}\n\n", w.marker_hint));
    }
    text.push_str(intro);
    text.push_str("\n\n");
    push_text_lines(&mut text, lines);
    if !hint.is_empty() {
        text.push_str(&format!("\n{hint}\n"));
    }
    if let Some(link) = unsubscribe {
        text.push_str(&format!("\n{}: {link}\n", w.unsubscribe));
    }
    let marker = if hint.is_empty() {
        String::new()
    } else {
        format!(
            "<p style=\"color:#777;font-size:12px\">{} {}</p>",
            escape_html(MARKER),
            escape_html(w.marker_hint)
        )
    };
    let hint_html = if hint.is_empty() {
        String::new()
    } else {
        format!("<p style=\"color:#555\">{}</p>", escape_html(hint))
    };
    let body = format!(
        "{marker}<p>{}</p>{}{hint_html}",
        escape_html(intro),
        html_lines(lines)
    );
    let footer = unsubscribe.map(|link| (w.unsubscribe, link));
    Mail {
        html: page(lang, brand, subject, &body, footer),
        subject: subject.to_string(),
        text,
    }
}

fn push_text_lines(text: &mut String, lines: &[Line]) {
    for line in lines {
        text.push_str(&format!(
            "{} ({}):\n{}\n\n",
            line.author, line.at, line.text
        ));
    }
}

fn html_lines(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| {
            format!(
                "<div style=\"margin:0 0 12px;padding:10px 12px;background:#f3f4f6;border-radius:8px\">\
                 <div style=\"font-size:12px;color:#555\">{} · {}</div>\
                 <div style=\"white-space:pre-wrap\">{}</div></div>",
                escape_html(&l.author),
                escape_html(&l.at),
                escape_html(&l.text)
            )
        })
        .collect()
}

fn page(
    lang: Lang,
    brand: &Brand,
    title: &str,
    body: &str,
    footer: Option<(&str, &str)>,
) -> String {
    let logo = brand
        .logo_url
        .as_deref()
        .filter(|u| u.starts_with("https://"))
        .map(|u| {
            format!(
                "<img src=\"{}\" alt=\"\" height=\"32\" style=\"display:block;margin:0 0 8px\">",
                escape_html(u)
            )
        })
        .unwrap_or_default();
    let footer = footer
        .map(|(label, link)| {
            format!(
                "<p style=\"font-size:12px;color:#777;margin-top:24px\"><a href=\"{}\" style=\"color:#777\">{}</a></p>",
                escape_html(link),
                escape_html(label)
            )
        })
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family:-apple-system,Segoe UI,Roboto,Arial,sans-serif;color:#111;margin:0;padding:24px\">\
         <div style=\"max-width:560px;margin:0 auto\">{logo}<h1 style=\"font-size:18px;margin:0 0 16px\">{name}</h1>\
         {body}{footer}</div></body></html>",
        lang = lang.code(),
        title = escape_html(title),
        name = escape_html(&brand.name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand() -> Brand {
        Brand {
            name: "Bahor <b>".into(),
            logo_url: Some("https://cdn.example/logo.png".into()),
        }
    }

    fn lines() -> Vec<Line> {
        vec![Line {
            author: "Dilnoza".into(),
            text: "<script>alert(1)</script> 15 000 so'm".into(),
            at: "19:12".into(),
        }]
    }

    #[test]
    fn a_visitor_reply_speaks_the_visitors_language_and_escapes_everything() {
        let ru = visitor_reply(Lang::Ru, &brand(), &lines(), "https://x/unsub?token=a&b");
        assert_eq!(ru.subject, "Новый ответ от Bahor <b>");
        assert!(ru.text.contains("<script>alert(1)</script> 15 000 so'm"));
        assert!(ru
            .text
            .contains("Отписаться от писем: https://x/unsub?token=a&b"));
        assert!(!ru.html.contains("<script>"));
        assert!(!ru.html.contains("<b>"));
        assert!(ru
            .html
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; 15 000 so&#39;m"));
        assert!(ru.html.contains("href=\"https://x/unsub?token=a&amp;b\""));
        assert!(ru
            .html
            .contains("<img src=\"https://cdn.example/logo.png\""));
        let uz = visitor_reply(Lang::Uz, &brand(), &lines(), "https://x");
        assert!(uz.subject.ends_with("dan yangi javob"));
        assert!(uz.text.starts_with(MARKER));
    }

    #[test]
    fn an_agent_notice_names_the_visitor_page_and_link() {
        let b = brand();
        let mail = agent_notice(
            &Notice {
                brand: &b,
                visitor_name: Some("Ali"),
                visitor_email: Some("ali@example.uz"),
                page_url: Some("https://shop.uz/cart?a=1&b=2"),
                console_url: "https://chat.example/console/chats/chat_1",
            },
            &lines(),
        );
        assert_eq!(mail.subject, "Ali is waiting for a reply (Bahor <b>)");
        assert!(mail.text.contains("Email: ali@example.uz"));
        assert!(mail.text.contains("Page: https://shop.uz/cart?a=1&b=2"));
        assert!(mail.html.contains("https://shop.uz/cart?a=1&amp;b=2"));
        assert!(!mail.html.contains("<script>"));
    }

    #[test]
    fn a_logo_that_is_not_https_is_left_out() {
        let mut b = brand();
        b.logo_url = Some("javascript:alert(1)".into());
        let mail = transcript(Lang::En, &b, &lines(), "https://x");
        assert!(!mail.html.contains("javascript:"));
    }

    #[test]
    fn languages_parse_like_the_widget() {
        assert_eq!(Lang::parse("ru-RU"), Lang::Ru);
        assert_eq!(Lang::parse("en"), Lang::En);
        assert_eq!(Lang::parse("uz-Cyrl"), Lang::Uz);
        assert_eq!(Lang::parse(""), Lang::Uz);
    }
}

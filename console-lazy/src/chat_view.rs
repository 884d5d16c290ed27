//! What the open chat adds to the inbox's list: who is typing (its room's socket, as
//! the workspace feed carries no typing or read frames), what the visitor has read, and
//! the page they came from. Its words are its own table, so other parts of the console
//! can grow theirs without touching the same struct.

use leptos::prelude::*;
use shared_types::chats::{ConversationMessage, SenderType};

use crate::i18n::Lang;

/// The chat view's texts.
pub struct ChatWords {
    pub visitor_typing: &'static str,
    /// Before the visitor's unsent draft (the typing preview).
    pub visitor_drafting: &'static str,
    pub seen: &'static str,
    pub page: &'static str,
    pub attach: &'static str,
    pub uploading: &'static str,
    pub too_large: &'static str,
    pub wrong_type: &'static str,
    pub upload_failed: &'static str,
    pub emails: &'static str,
    pub mail_failed: &'static str,
    pub mail_agent: &'static str,
    pub mail_visitor: &'static str,
    pub mail_transcript: &'static str,
    pub internal: &'static str,
    pub country: &'static str,
    pub browser: &'static str,
    pub past_chats: &'static str,
}

static EN: ChatWords = ChatWords {
    visitor_typing: "Visitor is typing…",
    visitor_drafting: "Visitor is typing:",
    seen: "Seen",
    page: "Page",
    attach: "Attach a file",
    uploading: "Sending the file…",
    too_large: "The file is larger than 10 MB",
    wrong_type: "This type of file cannot be sent",
    upload_failed: "The file was not sent",
    emails: "Emails",
    mail_failed: "not delivered",
    mail_agent: "Agent notified",
    mail_visitor: "Reply sent to the visitor",
    mail_transcript: "Transcript",
    internal: "Internal note",
    country: "Country",
    browser: "Browser",
    past_chats: "Past conversations",
};

static RU: ChatWords = ChatWords {
    visitor_typing: "Посетитель печатает…",
    visitor_drafting: "Посетитель печатает:",
    seen: "Прочитано",
    page: "Страница",
    attach: "Прикрепить файл",
    uploading: "Отправка файла…",
    too_large: "Файл больше 10 МБ",
    wrong_type: "Файлы такого типа отправлять нельзя",
    upload_failed: "Файл не отправлен",
    emails: "Письма",
    mail_failed: "не доставлено",
    mail_agent: "Уведомление агенту",
    mail_visitor: "Ответ посетителю",
    mail_transcript: "Переписка",
    internal: "Внутренняя заметка",
    country: "Страна",
    browser: "Браузер",
    past_chats: "Прошлые разговоры",
};

static UZ: ChatWords = ChatWords {
    visitor_typing: "Tashrif buyuruvchi yozmoqda…",
    visitor_drafting: "Tashrif buyuruvchi yozmoqda:",
    seen: "Ko'rildi",
    page: "Sahifa",
    attach: "Fayl biriktirish",
    uploading: "Fayl yuborilmoqda…",
    too_large: "Fayl 10 MB dan katta",
    wrong_type: "Bu turdagi faylni yuborib bo'lmaydi",
    upload_failed: "Fayl yuborilmadi",
    emails: "Xatlar",
    mail_failed: "yetkazilmadi",
    mail_agent: "Agentga xabar",
    mail_visitor: "Mehmonga javob",
    mail_transcript: "Suhbat matni",
    internal: "Ichki eslatma",
    country: "Mamlakat",
    browser: "Brauzer",
    past_chats: "Oldingi suhbatlar",
};

pub fn chat_words(lang: Lang) -> &'static ChatWords {
    crate::i18n::pick(lang, &EN, &RU, &UZ)
}

/// What a mail about the chat was, in the agent's language.
pub fn mail_kind(cw: &ChatWords, kind: shared_types::email::EmailKind) -> &'static str {
    use shared_types::email::EmailKind;
    match kind {
        EmailKind::AgentNotification => cw.mail_agent,
        EmailKind::VisitorReply => cw.mail_visitor,
        EmailKind::Transcript => cw.mail_transcript,
    }
}

/// At most one "is typing" per this long while the agent keeps typing: the visitor's
/// dots need a refresh, not a frame per key.
pub const TYPING_EVERY_MS: f64 = 2_500.0;

/// The visitor's "is typing" goes away after this long without another: a lost
/// "stopped" (a closed tab) must not leave it on.
pub const TYPING_EXPIRES_MS: i32 = 5_000;

/// Lets a repeated event through at most once per `every` ms.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Throttle {
    last: Option<f64>,
}

impl Throttle {
    /// Whether an event at `now` (ms) goes through; if so it counts as the last one.
    pub fn ready(&mut self, now: f64, every: f64) -> bool {
        if self.last.is_some_and(|last| now - last < every) {
            return false;
        }
        self.last = Some(now);
        true
    }

    /// The next event goes through whenever it comes (after a "stopped").
    pub fn reset(&mut self) {
        self.last = None;
    }
}

/// The agent message to show "Seen" under: the last one at or before what the visitor
/// has read (`read_seq`), if any.
pub fn seen_seq(messages: &[ConversationMessage], read_seq: u64) -> Option<u64> {
    messages
        .iter()
        .filter(|m| m.sender.kind == SenderType::Agent && m.seq <= read_seq)
        .map(|m| m.seq)
        .max()
}

/// The page link: only web pages become `href`s (the API stores what the widget
/// sent, checked, but the console does not rely on that).
pub fn page_href(url: &str) -> Option<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then_some(url)
}

/// Milliseconds since the page loaded, for throttles and expiries.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
}

/// "Visitor is typing…", while it holds; with the typing preview on, what they have
/// written so far and not sent. The draft is not announced to screen readers on every
/// keystroke: only the note that someone types is live.
#[component]
pub fn TypingNote(
    typing: RwSignal<bool>,
    draft: RwSignal<String>,
    cw: &'static ChatWords,
) -> impl IntoView {
    view! {
        <p class="typing" data-testid="visitor-typing" aria-live="polite">
            {move || {
                (typing.get() || !draft.with(String::is_empty))
                    .then_some(if draft.with(String::is_empty) {
                        cw.visitor_typing
                    } else {
                        cw.visitor_drafting
                    })
            }}
        </p>
        <p class="typing draft" data-testid="visitor-draft" hidden=move || draft.with(String::is_empty)>
            {move || draft.get()}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared_types::chats::Sender;
    use shared_types::ids::{ChatId, MessageId};

    fn message(seq: u64, kind: SenderType) -> ConversationMessage {
        ConversationMessage {
            id: MessageId::with_suffix(&seq.to_string()),
            chat_id: ChatId::with_suffix("1"),
            seq,
            text: "x".into(),
            sender: Sender {
                kind,
                id: None,
                name: None,
            },
            attachments: Vec::new(),
            created_at: "2026-02-11T14:23:00Z".into(),
        }
    }

    #[test]
    fn seen_goes_under_the_last_agent_message_the_visitor_has_read() {
        let m = [
            message(1, SenderType::Visitor),
            message(2, SenderType::Agent),
            message(3, SenderType::Agent),
            message(4, SenderType::Visitor),
            message(5, SenderType::Agent),
        ];
        assert_eq!(seen_seq(&m, 0), None);
        assert_eq!(seen_seq(&m, 1), None);
        assert_eq!(seen_seq(&m, 3), Some(3));
        assert_eq!(seen_seq(&m, 4), Some(3));
        assert_eq!(seen_seq(&m, 9), Some(5));
    }

    #[test]
    fn typing_goes_out_at_most_once_per_period_and_at_once_after_a_stop() {
        let mut t = Throttle::default();
        assert!(t.ready(0.0, TYPING_EVERY_MS));
        assert!(!t.ready(1_000.0, TYPING_EVERY_MS));
        assert!(!t.ready(2_499.0, TYPING_EVERY_MS));
        assert!(t.ready(2_500.0, TYPING_EVERY_MS));
        t.reset();
        assert!(t.ready(2_600.0, TYPING_EVERY_MS));
    }

    #[test]
    fn only_web_pages_are_links() {
        assert_eq!(
            page_href("https://shop.example/pricing"),
            Some("https://shop.example/pricing")
        );
        assert_eq!(page_href("HTTP://a.example/"), Some("HTTP://a.example/"));
        assert_eq!(page_href("javascript:alert(1)"), None);
        assert_eq!(page_href("//evil.example"), None);
        assert_eq!(page_href("data:text/html,x"), None);
    }

    #[test]
    fn every_language_has_every_word() {
        for lang in [Lang::En, Lang::Ru, Lang::Uz] {
            let w = chat_words(lang);
            for text in [
                w.visitor_typing,
                w.seen,
                w.page,
                w.attach,
                w.uploading,
                w.too_large,
                w.wrong_type,
                w.upload_failed,
                w.emails,
                w.mail_failed,
                w.mail_agent,
                w.mail_visitor,
                w.mail_transcript,
                w.internal,
            ] {
                assert!(!text.is_empty());
            }
        }
        assert_ne!(chat_words(Lang::Ru).seen, chat_words(Lang::En).seen);
        assert_ne!(chat_words(Lang::Uz).seen, chat_words(Lang::En).seen);
    }
}

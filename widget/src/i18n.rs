//! The widget's own words in Uzbek, Russian and English, chosen by the loader from
//! `data-lang` or the page's `<html lang>` (Uzbek by default).

pub use shared_types::lang::Lang;

/// The widget's fixed texts in one language. The owner's own texts (button text,
/// welcome and offline messages) come from the config as written.
pub struct Words {
    pub close: &'static str,
    pub chat_label: &'static str,
    pub online: &'static str,
    pub offline: &'static str,
    pub placeholder: &'static str,
    pub send: &'static str,
    pub powered_by: &'static str,
    pub typing: &'static str,
    pub not_sent: &'static str,
    pub too_fast: &'static str,
    pub rate_prompt: &'static str,
    pub thanks: &'static str,
    pub email_placeholder: &'static str,
    pub attach: &'static str,
    pub download: &'static str,
    pub too_large: &'static str,
    pub wrong_type: &'static str,
    pub name_placeholder: &'static str,
    pub start: &'static str,
    pub fill_in: &'static str,
    pub transcript: &'static str,
    pub transcript_sent: &'static str,
    pub transcript_failed: &'static str,
    /// Under the composer while the typing preview is on.
    pub previewed: &'static str,
}

/// The texts for `lang`.
pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Uz => &Words {
            close: "Yopish",
            chat_label: "Chat oynasi",
            online: "Onlaynmiz",
            offline: "Hozir oflaynmiz",
            placeholder: "Xabaringizni yozing…",
            send: "Yuborish",
            powered_by: "ChatFlow asosida",
            typing: "Operator yozmoqda",
            not_sent: "Xabar yuborilmadi. Qayta urinib ko'ring.",
            too_fast: "Juda tez yozyapsiz, bir oz kuting.",
            rate_prompt: "Suhbat sizga qanday bo'ldi?",
            thanks: "Rahmat!",
            email_placeholder: "Emailingiz (javobni yuboramiz)",
            attach: "Fayl biriktirish",
            download: "Faylni yuklab olish",
            too_large: "Fayl juda katta: 10 MB gacha yuborish mumkin.",
            wrong_type: "Bu turdagi fayl qabul qilinmaydi: rasm, PDF yoki hujjat yuboring.",
            name_placeholder: "Ismingiz",
            start: "Suhbatni boshlash",
            fill_in: "Iltimos, maydonlarni to'ldiring.",
            transcript: "Suhbatni emailimga yuborish",
            transcript_sent: "Suhbat emailingizga yuborildi.",
            transcript_failed: "Yuborib bo'lmadi: email kerak, bir soatda bir marta.",
            previewed: "Operatorlar matnni yuborishingizdan oldin ko'radi.",
        },
        Lang::Ru => &Words {
            close: "Закрыть",
            chat_label: "Окно чата",
            online: "Мы в сети",
            offline: "Сейчас не в сети",
            placeholder: "Сообщение…",
            send: "Отправить",
            powered_by: "Работает на ChatFlow",
            typing: "Оператор печатает",
            not_sent: "Сообщение не отправлено. Попробуйте ещё раз.",
            too_fast: "Слишком быстро, подождите немного.",
            rate_prompt: "Как прошёл разговор?",
            thanks: "Спасибо!",
            email_placeholder: "Ваш email (пришлём ответ)",
            attach: "Прикрепить файл",
            download: "Скачать файл",
            too_large: "Файл слишком большой: можно до 10 МБ.",
            wrong_type: "Такой файл не принимается: отправьте картинку, PDF или документ.",
            name_placeholder: "Ваше имя",
            start: "Начать чат",
            fill_in: "Пожалуйста, заполните поля.",
            transcript: "Отправить переписку на email",
            transcript_sent: "Переписка отправлена на ваш email.",
            transcript_failed: "Не отправлено: нужен email, не чаще раза в час.",
            previewed: "Операторы видят текст, пока вы его пишете.",
        },
        Lang::En => &Words {
            close: "Close",
            chat_label: "Chat window",
            online: "We're online",
            offline: "We're away",
            placeholder: "Your message…",
            send: "Send",
            powered_by: "Powered by ChatFlow",
            typing: "An agent is typing",
            not_sent: "Your message was not sent. Please try again.",
            too_fast: "You're sending too fast; wait a moment.",
            rate_prompt: "How was this conversation?",
            thanks: "Thank you!",
            email_placeholder: "Your email (we'll reply there)",
            attach: "Attach a file",
            download: "Download the file",
            too_large: "The file is too large: 10 MB at most.",
            wrong_type: "This type of file can't be sent: send an image, a PDF or a document.",
            name_placeholder: "Your name",
            start: "Start the chat",
            fill_in: "Please fill in the fields.",
            transcript: "Email me this conversation",
            transcript_sent: "The conversation is on its way to your email.",
            transcript_failed: "Not sent: it needs your email, and goes once an hour.",
            previewed: "Agents see what you type before you send it.",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_pick_the_language() {
        assert_eq!(Lang::parse("ru-RU"), Lang::Ru);
        assert_eq!(Lang::parse("EN"), Lang::En);
        assert_eq!(Lang::parse("uz-Latn"), Lang::Uz);
        assert_eq!(Lang::parse(""), Lang::Uz);
        assert_eq!(Lang::parse("de"), Lang::Uz);
    }
}

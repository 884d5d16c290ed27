//! The widget's own words in Uzbek, Russian and English, chosen by the loader from
//! `data-lang` or the page's `<html lang>` (Uzbek by default).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Uz,
    Ru,
    En,
}

impl Lang {
    /// `ru`, `ru-RU` → Russian; `en…` → English; anything else → Uzbek.
    pub fn parse(tag: &str) -> Lang {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Lang::Ru,
            "en" => Lang::En,
            _ => Lang::Uz,
        }
    }
}

pub struct Words {
    pub close: &'static str,
    pub chat_label: &'static str,
    pub placeholder: &'static str,
    pub send: &'static str,
    pub powered_by: &'static str,
    pub offline_email: &'static str,
}

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Uz => &Words {
            close: "Yopish",
            chat_label: "Chat oynasi",
            placeholder: "Xabaringizni yozing…",
            send: "Yuborish",
            powered_by: "ChatFlow asosida",
            offline_email: "Javobni olish uchun emailingiz",
        },
        Lang::Ru => &Words {
            close: "Закрыть",
            chat_label: "Окно чата",
            placeholder: "Напишите сообщение…",
            send: "Отправить",
            powered_by: "Работает на ChatFlow",
            offline_email: "Ваш email для ответа",
        },
        Lang::En => &Words {
            close: "Close",
            chat_label: "Chat window",
            placeholder: "Type your message…",
            send: "Send",
            powered_by: "Powered by ChatFlow",
            offline_email: "Your email for the reply",
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

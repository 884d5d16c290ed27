//! The console's words in English, Russian and Uzbek, chosen by the browser's language.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ru,
    Uz,
}

impl Lang {
    /// `ru*` → Russian, `uz*` → Uzbek, anything else → English (agents' browsers are
    /// mostly set to one of the three; English is the common fallback).
    pub fn parse(tag: &str) -> Lang {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Lang::Ru,
            "uz" => Lang::Uz,
            _ => Lang::En,
        }
    }

    /// The browser's preferred language.
    pub fn from_browser() -> Lang {
        let tag = web_sys::window()
            .and_then(|w| w.navigator().language())
            .unwrap_or_default();
        Lang::parse(&tag)
    }
}

pub struct Words {
    pub sign_in: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub name: &'static str,
    pub invalid_credentials: &'static str,
    pub throttled: &'static str,
    pub network_error: &'static str,
    pub accept_invite: &'static str,
    pub sign_out: &'static str,
    pub inbox: &'static str,
    pub api_keys: &'static str,
    pub all: &'static str,
    pub active: &'static str,
    pub assigned: &'static str,
    pub closed: &'static str,
    pub mine: &'static str,
    pub no_chats: &'static str,
    pub visitor: &'static str,
    pub pick_chat: &'static str,
    pub reply: &'static str,
    pub send: &'static str,
    pub assign_to_me: &'static str,
    pub close: &'static str,
    pub reopen: &'static str,
    pub tags: &'static str,
    pub save: &'static str,
    pub phone: &'static str,
    pub notes: &'static str,
    pub load_more: &'static str,
    pub agents: &'static str,
    pub new_chat: &'static str,
    pub attachment: &'static str,
    pub analytics: &'static str,
    pub widget: &'static str,
    pub webhooks: &'static str,
    pub add: &'static str,
    pub delete: &'static str,
    pub deliveries: &'static str,
    pub secret_shown_once: &'static str,
    pub color: &'static str,
    pub button_text: &'static str,
    pub welcome: &'static str,
    pub offline: &'static str,
    pub preview: &'static str,
    pub total_chats: &'static str,
    pub response_time: &'static str,
    pub resolution_time: &'static str,
    pub fcr: &'static str,
    pub invite: &'static str,
    pub invite_shown_once: &'static str,
    pub back: &'static str,
    pub key_name: &'static str,
    pub create_key: &'static str,
    pub key_shown_once: &'static str,
    pub revoke: &'static str,
    pub last_used: &'static str,
    pub never: &'static str,
}

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &Words {
            sign_in: "Sign in",
            email: "Email",
            password: "Password",
            name: "Your name",
            invalid_credentials: "Invalid email or password",
            throttled: "Too many attempts. Try again later",
            network_error: "No connection to the server",
            accept_invite: "Set your password",
            sign_out: "Sign out",
            inbox: "Inbox",
            api_keys: "API keys",
            all: "All",
            active: "Active",
            assigned: "Assigned",
            closed: "Closed",
            mine: "Mine",
            no_chats: "No chats",
            visitor: "Visitor",
            pick_chat: "Pick a chat",
            reply: "Type a reply…",
            send: "Send",
            assign_to_me: "Assign to me",
            close: "Close",
            reopen: "Reopen",
            tags: "Tags (comma-separated)",
            save: "Save",
            phone: "Phone",
            notes: "Notes for the team",
            load_more: "Load more",
            agents: "Agents",
            new_chat: "New chat",
            attachment: "Attachment",
            analytics: "Analytics",
            widget: "Widget",
            webhooks: "Webhooks",
            add: "Add",
            delete: "Delete",
            deliveries: "Deliveries",
            secret_shown_once: "Copy the signing secret now: it is not shown again",
            color: "Colour",
            button_text: "Button text",
            welcome: "Welcome message",
            offline: "Offline message",
            preview: "Preview of the widget",
            total_chats: "Chats",
            response_time: "First response",
            resolution_time: "Resolution",
            fcr: "Solved at first contact",
            invite: "Invite",
            invite_shown_once: "Send this link to the new agent now: it is not shown again and works once, for 72 hours",
            back: "Back",
            key_name: "Key name",
            create_key: "Create key",
            key_shown_once: "Copy this key now: it is not shown again",
            revoke: "Revoke",
            last_used: "Last used",
            never: "never",
        },
        Lang::Ru => &Words {
            sign_in: "Войти",
            email: "Эл. почта",
            password: "Пароль",
            name: "Ваше имя",
            invalid_credentials: "Неверная почта или пароль",
            throttled: "Слишком много попыток. Попробуйте позже",
            network_error: "Нет связи с сервером",
            accept_invite: "Задайте пароль",
            sign_out: "Выйти",
            inbox: "Входящие",
            api_keys: "API-ключи",
            all: "Все",
            active: "Активные",
            assigned: "Назначенные",
            closed: "Закрытые",
            mine: "Мои",
            no_chats: "Чатов нет",
            visitor: "Посетитель",
            pick_chat: "Выберите чат",
            reply: "Ваш ответ…",
            send: "Отправить",
            assign_to_me: "Взять себе",
            close: "Закрыть",
            reopen: "Открыть снова",
            tags: "Теги (через запятую)",
            save: "Сохранить",
            phone: "Телефон",
            notes: "Заметки для команды",
            load_more: "Показать ещё",
            agents: "Агенты",
            new_chat: "Новый чат",
            attachment: "Вложение",
            analytics: "Аналитика",
            widget: "Виджет",
            webhooks: "Вебхуки",
            add: "Добавить",
            delete: "Удалить",
            deliveries: "Доставки",
            secret_shown_once: "Скопируйте секрет подписи сейчас: больше он не будет показан",
            color: "Цвет",
            button_text: "Текст кнопки",
            welcome: "Приветствие",
            offline: "Сообщение вне сети",
            preview: "Предпросмотр виджета",
            total_chats: "Чаты",
            response_time: "Первый ответ",
            resolution_time: "Решение",
            fcr: "Решено с первого обращения",
            invite: "Пригласить",
            invite_shown_once: "Отправьте эту ссылку новому агенту сейчас: она больше не будет показана и действует один раз, 72 часа",
            back: "Назад",
            key_name: "Название ключа",
            create_key: "Создать ключ",
            key_shown_once: "Скопируйте ключ сейчас: больше он не будет показан",
            revoke: "Отозвать",
            last_used: "Использован",
            never: "никогда",
        },
        Lang::Uz => &Words {
            sign_in: "Kirish",
            email: "Email",
            password: "Parol",
            name: "Ismingiz",
            invalid_credentials: "Email yoki parol noto'g'ri",
            throttled: "Urinishlar juda ko'p. Keyinroq urinib ko'ring",
            network_error: "Server bilan aloqa yo'q",
            accept_invite: "Parol o'rnating",
            sign_out: "Chiqish",
            inbox: "Suhbatlar",
            api_keys: "API kalitlar",
            all: "Hammasi",
            active: "Faol",
            assigned: "Biriktirilgan",
            closed: "Yopilgan",
            mine: "Meniki",
            no_chats: "Suhbatlar yo'q",
            visitor: "Tashrif buyuruvchi",
            pick_chat: "Suhbatni tanlang",
            reply: "Javob yozing…",
            send: "Yuborish",
            assign_to_me: "O'zimga olish",
            close: "Yopish",
            reopen: "Qayta ochish",
            tags: "Teglar (vergul bilan)",
            save: "Saqlash",
            phone: "Telefon",
            notes: "Jamoa uchun izohlar",
            load_more: "Yana ko'rsatish",
            agents: "Agentlar",
            new_chat: "Yangi suhbat",
            attachment: "Ilova",
            analytics: "Tahlil",
            widget: "Vidjet",
            webhooks: "Webhooklar",
            add: "Qo'shish",
            delete: "O'chirish",
            deliveries: "Yetkazishlar",
            secret_shown_once: "Imzo sirini hozir nusxalang: u boshqa ko'rsatilmaydi",
            color: "Rang",
            button_text: "Tugma matni",
            welcome: "Salomlashish xabari",
            offline: "Oflayn xabar",
            preview: "Vidjet ko'rinishi",
            total_chats: "Suhbatlar",
            response_time: "Birinchi javob",
            resolution_time: "Hal qilish",
            fcr: "Birinchi murojaatda hal qilingan",
            invite: "Taklif qilish",
            invite_shown_once: "Bu havolani yangi agentga hozir yuboring: u boshqa ko'rsatilmaydi va 72 soat ichida bir marta ishlaydi",
            back: "Orqaga",
            key_name: "Kalit nomi",
            create_key: "Kalit yaratish",
            key_shown_once: "Kalitni hozir nusxalang: u boshqa ko'rsatilmaydi",
            revoke: "Bekor qilish",
            last_used: "Oxirgi ishlatilgan",
            never: "hech qachon",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_tags_pick_the_language_and_english_is_the_fallback() {
        assert_eq!(Lang::parse("ru-RU"), Lang::Ru);
        assert_eq!(Lang::parse("uz_Latn"), Lang::Uz);
        assert_eq!(Lang::parse("UZ"), Lang::Uz);
        assert_eq!(Lang::parse("en-GB"), Lang::En);
        assert_eq!(Lang::parse("de"), Lang::En);
        assert_eq!(Lang::parse(""), Lang::En);
    }

    #[test]
    fn the_sign_in_error_matches_the_servers_catalogue() {
        use shared_types::error::ErrorCode;
        let code = ErrorCode::AuthInvalidCredentials;
        assert_eq!(words(Lang::En).invalid_credentials, code.message_en());
        assert_eq!(words(Lang::Uz).invalid_credentials, code.message());
    }
}

//! The console's words in English, Russian and Uzbek, chosen by the browser's language,
//! and the way each language writes numbers, durations and dates.

use shared_types::chats::ChatStatus;
use shared_types::validate::IsoDate;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    En,
    Ru,
    Uz,
}

/// The one of a part's three tables of words that is in `lang`.
pub fn pick<T>(lang: Lang, en: &'static T, ru: &'static T, uz: &'static T) -> &'static T {
    match lang {
        Lang::En => en,
        Lang::Ru => ru,
        Lang::Uz => uz,
    }
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
    /// The inbox's search box: its placeholder, and what it says when nothing matches.
    pub search: &'static str,
    pub no_results: &'static str,
    pub api_keys: &'static str,
    /// The API Keys tab's link to the API's reference (`/docs/`).
    pub api_reference: &'static str,
    pub all: &'static str,
    pub active: &'static str,
    pub assigned: &'static str,
    pub closed: &'static str,
    pub mine: &'static str,
    pub anyone: &'static str,
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
    /// Before an inbox row's preview when an agent wrote the newest message.
    pub agent_said: &'static str,
    /// The shortcuts dialog's title and its rows.
    pub shortcuts: &'static str,
    pub shortcut_rows: [(&'static str, &'static str); 6],
    /// The narrow screen's button that shows the visitor's details.
    pub details: &'static str,
    pub analytics: &'static str,
    /// The titles of the Canned replies, Triggers and Settings tabs.
    pub canned_replies: &'static str,
    pub triggers: &'static str,
    pub settings: &'static str,
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
    /// The badge of a visitor whose identity the site did not vouch for.
    pub unverified: &'static str,
    /// Its tooltip: what "unverified" means.
    pub unverified_hint: &'static str,
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
            search: "Search messages, names, emails, tags",
            no_results: "Nothing found",
            api_keys: "API keys",
            api_reference: "API reference",
            all: "All",
            active: "Active",
            assigned: "Assigned",
            closed: "Closed",
            mine: "Mine",
            anyone: "Anyone",
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
            agent_said: "Agent:",
            shortcuts: "Keyboard shortcuts",
            shortcut_rows: [
                ("j", "Next chat"),
                ("k", "Previous chat"),
                ("r", "Reply"),
                ("e", "Close the chat"),
                ("/", "Canned replies (in the reply box)"),
                ("?", "This list"),
            ],
            details: "Details",
            analytics: "Analytics",
            canned_replies: "Canned replies",
            triggers: "Triggers",
            settings: "Settings",
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
            unverified: "unverified",
            unverified_hint: "The site did not verify this visitor's email or user id (identity verification): they may not be who they say",
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
            search: "Поиск по сообщениям, именам, email, тегам",
            no_results: "Ничего не найдено",
            api_keys: "API-ключи",
            api_reference: "Справочник API",
            all: "Все",
            active: "Активные",
            assigned: "Назначенные",
            closed: "Закрытые",
            mine: "Мои",
            anyone: "Все агенты",
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
            agent_said: "Агент:",
            shortcuts: "Сочетания клавиш",
            shortcut_rows: [
                ("j", "Следующий чат"),
                ("k", "Предыдущий чат"),
                ("r", "Ответить"),
                ("e", "Закрыть чат"),
                ("/", "Шаблоны ответов (в поле ответа)"),
                ("?", "Этот список"),
            ],
            details: "Сведения",
            analytics: "Аналитика",
            canned_replies: "Шаблоны ответов",
            triggers: "Триггеры",
            settings: "Настройки",
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
            unverified: "не подтверждён",
            unverified_hint: "Сайт не подтвердил email или идентификатор этого посетителя (проверка личности): он может быть не тем, за кого себя выдаёт",
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
            search: "Xabarlar, ismlar, email, teglar bo'yicha qidirish",
            no_results: "Hech narsa topilmadi",
            api_keys: "API kalitlar",
            api_reference: "API qo'llanmasi",
            all: "Hammasi",
            active: "Faol",
            assigned: "Biriktirilgan",
            closed: "Yopilgan",
            mine: "Meniki",
            anyone: "Barcha agentlar",
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
            agent_said: "Operator:",
            shortcuts: "Tugmalar",
            shortcut_rows: [
                ("j", "Keyingi chat"),
                ("k", "Oldingi chat"),
                ("r", "Javob yozish"),
                ("e", "Chatni yopish"),
                ("/", "Tayyor javoblar (javob maydonida)"),
                ("?", "Shu ro'yxat"),
            ],
            details: "Ma'lumot",
            analytics: "Tahlil",
            canned_replies: "Tayyor javoblar",
            triggers: "Triggerlar",
            settings: "Sozlamalar",
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
            unverified: "tasdiqlanmagan",
            unverified_hint: "Sayt bu tashrif buyuruvchining emaili yoki foydalanuvchi identifikatorini tasdiqlamadi (shaxsni tekshirish): u o'zini kim deb atasa, o'sha bo'lmasligi mumkin",
        },
    }
}

// ---------------------------------------------------------------------------
// Formatting: numbers, decimals, percentages, durations and dates the way each
// language writes them. Hand-written tables rather than the browser's `Intl`, so the
// functions are pure (unit-tested on the host) and every browser shows the same text.
// Ru and Uz group thousands and split number from unit with a no-break space, so a
// figure never wraps in the middle.
// ---------------------------------------------------------------------------

/// The no-break space between digit groups and before units (Ru, Uz).
/// A chat's status in the agent's words: the inbox row's and the open chat's.
pub fn status_word(status: ChatStatus, w: &Words) -> &'static str {
    match status {
        ChatStatus::Active => w.active,
        ChatStatus::Assigned => w.assigned,
        ChatStatus::Closed => w.closed,
    }
}

pub const NBSP: char = '\u{a0}';

impl Lang {
    fn thousands(self) -> char {
        match self {
            Lang::En => ',',
            Lang::Ru | Lang::Uz => NBSP,
        }
    }

    fn decimal_mark(self) -> char {
        match self {
            Lang::En => '.',
            Lang::Ru | Lang::Uz => ',',
        }
    }
}

/// A whole number with digit groups: 1,234 / 1 234 / 1 234.
pub fn number(n: u64, lang: Lang) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(lang.thousands());
        }
        out.push(c);
    }
    out
}

/// `value` rounded to `places` decimals, grouped, with the language's decimal mark:
/// 4.7 / 4,7 / 4,7. A negative value keeps its minus; `-0.0` is shown as 0.
pub fn decimal(value: f64, places: usize, lang: Lang) -> String {
    // Integer arithmetic instead of `format!("{:.1}")`: halves round away from zero, as
    // people (and `Intl`) do, where `format!` rounds 12.5 to the even 12; and the
    // console's wasm is spared the exact float formatter.
    let scale = 10u64.pow(places.min(9) as u32);
    let scaled = (value.abs() * scale as f64).round() as u64;
    let mut out = String::new();
    if value < 0.0 && scaled > 0 {
        out.push('-');
    }
    out.push_str(&number(scaled / scale, lang));
    if places > 0 {
        out.push(lang.decimal_mark());
        out.push_str(&format!(
            "{:0width$}",
            scaled % scale,
            width = places.min(9)
        ));
    }
    out
}

/// A CSAT score (1–5, one decimal): 4.7 / 4,7 / 4,7.
pub fn score(value: f64, lang: Lang) -> String {
    decimal(value, 1, lang)
}

/// Appends the percent sign as the language does: 73% / 73 % / 73%.
fn with_percent(number: String, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("{number}{NBSP}%"),
        Lang::En | Lang::Uz => format!("{number}%"),
    }
}

/// A rate 0.0..=1.0 as whole percent: 0.73 → 73% / 73 % / 73%.
pub fn percent(rate: f64, lang: Lang) -> String {
    with_percent(decimal(rate * 100.0, 0, lang), lang)
}

/// A change in percent with its sign, one decimal at most: +12.5% / −8,3 % / 0%.
pub fn change(percent: f64, lang: Lang) -> String {
    let rounded = (percent * 10.0).round() / 10.0;
    let places = if rounded.fract() == 0.0 { 0 } else { 1 };
    let body = decimal(rounded.abs(), places, lang);
    let sign = if rounded > 0.0 {
        "+"
    } else if rounded < 0.0 {
        // The minus sign, not a hyphen: it is as wide as the plus.
        "\u{2212}"
    } else {
        ""
    };
    with_percent(format!("{sign}{body}"), lang)
}

/// A length of time in its two largest units, zero parts left out:
/// 135 s → "2 min 15 s" / "2 мин 15 с" / "2 daq 15 s"; 3 900 s → "1 h 5 min".
pub fn duration(seconds: u64, lang: Lang) -> String {
    let [d, h, m, s] = match lang {
        Lang::En => ["d", "h", "min", "s"],
        Lang::Ru => ["д", "ч", "мин", "с"],
        Lang::Uz => ["kun", "soat", "daq", "s"],
    };
    let parts = [
        (seconds / 86_400, d),
        (seconds / 3_600 % 24, h),
        (seconds / 60 % 60, m),
        (seconds % 60, s),
    ];
    let Some(first) = parts.iter().position(|(n, _)| *n > 0) else {
        return format!("0{NBSP}{s}");
    };
    parts[first..]
        .iter()
        .take(2)
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{}{NBSP}{unit}", number(*n, lang)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Abbreviated month names; Russian ones are genitive, as after a day number.
fn month_name(month: u8, lang: Lang) -> &'static str {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const RU: [&str; 12] = [
        "янв.",
        "февр.",
        "мар.",
        "апр.",
        "мая",
        "июн.",
        "июл.",
        "авг.",
        "сент.",
        "окт.",
        "нояб.",
        "дек.",
    ];
    const UZ: [&str; 12] = [
        "yan", "fev", "mar", "apr", "may", "iyn", "iyl", "avg", "sen", "okt", "noy", "dek",
    ];
    pick(lang, &EN, &RU, &UZ)[usize::from(month.clamp(1, 12) - 1)]
}

/// Day and month: "25 Nov" / "25 нояб." / "25-noy" (chart labels).
pub fn day_month(date: &IsoDate, lang: Lang) -> String {
    let (day, month) = (date.day(), month_name(date.month(), lang));
    match lang {
        Lang::En | Lang::Ru => format!("{day}{NBSP}{month}"),
        Lang::Uz => format!("{day}-{month}"),
    }
}

/// A full date: "25 Nov 2026" / "25 нояб. 2026" / "25-noy, 2026".
pub fn date(date: &IsoDate, lang: Lang) -> String {
    let year = date.year();
    match lang {
        Lang::En | Lang::Ru => format!("{}{NBSP}{year}", day_month(date, lang)),
        Lang::Uz => format!("{}, {year}", day_month(date, lang)),
    }
}

/// A moment as a date and a 24-hour time: "25 Nov 2026, 14:05" / "25 нояб. 2026, 14:05".
pub fn date_time(date: &IsoDate, hour: u32, minute: u32, lang: Lang) -> String {
    format!("{}, {hour:02}:{minute:02}", self::date(date, lang))
}

/// An RFC 3339 stamp from the API in the browser's own time zone, as [`date_time`];
/// a stamp the browser cannot read is shown as it came rather than hidden.
pub fn local_time(stamp: &str, lang: Lang) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(stamp));
    if d.get_time().is_nan() {
        return stamp.to_string();
    }
    let day = format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    );
    match IsoDate::parse(&day) {
        Ok(day) => date_time(&day, d.get_hours(), d.get_minutes(), lang),
        Err(_) => stamp.to_string(),
    }
}

/// An inbox row's time: "14:05" for today in the browser's zone, "25 Nov" for another
/// day of this year, "25 Nov 2025" before; [`local_time`] gives the whole moment.
pub fn short_time(stamp: &str, lang: Lang) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(stamp));
    if d.get_time().is_nan() {
        return stamp.to_string();
    }
    let now = js_sys::Date::new_0();
    let same = |a: &js_sys::Date, b: &js_sys::Date| {
        (a.get_full_year(), a.get_month(), a.get_date())
            == (b.get_full_year(), b.get_month(), b.get_date())
    };
    let day = format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    );
    let Ok(day) = IsoDate::parse(&day) else {
        return stamp.to_string();
    };
    if same(&d, &now) {
        format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
    } else if d.get_full_year() == now.get_full_year() {
        day_month(&day, lang)
    } else {
        date(&day, lang)
    }
}

/// An inclusive range of days: "1 Mar 2026 – 7 Mar 2026", or one date when both ends
/// are the same day.
pub fn date_range(from: &IsoDate, to: &IsoDate, lang: Lang) -> String {
    if from == to {
        date(from, lang)
    } else {
        format!("{} – {}", date(from, lang), date(to, lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_is_a_date_and_a_24_hour_time_per_language() {
        let d = IsoDate::parse("2026-11-05").unwrap();
        assert_eq!(date_time(&d, 9, 7, Lang::En), "5\u{a0}Nov\u{a0}2026, 09:07");
        assert_eq!(
            date_time(&d, 14, 30, Lang::Ru),
            "5\u{a0}нояб.\u{a0}2026, 14:30"
        );
        assert_eq!(date_time(&d, 0, 0, Lang::Uz), "5-noy, 2026, 00:00");
    }

    #[test]
    fn whole_numbers_are_grouped_by_thousands_per_language() {
        assert_eq!(number(0, Lang::En), "0");
        assert_eq!(number(999, Lang::En), "999");
        assert_eq!(number(1_234, Lang::En), "1,234");
        assert_eq!(number(1_234, Lang::Ru), "1\u{a0}234");
        assert_eq!(number(1_234, Lang::Uz), "1\u{a0}234");
        assert_eq!(number(1_234_567, Lang::En), "1,234,567");
        assert_eq!(number(100_000, Lang::Ru), "100\u{a0}000");
    }

    #[test]
    fn decimals_scores_and_percentages_use_the_languages_marks() {
        assert_eq!(score(4.7, Lang::En), "4.7");
        assert_eq!(score(4.7, Lang::Ru), "4,7");
        assert_eq!(score(4.7, Lang::Uz), "4,7");
        assert_eq!(score(5.0, Lang::Ru), "5,0");
        assert_eq!(decimal(1234.56, 1, Lang::En), "1,234.6");
        assert_eq!(decimal(1234.56, 2, Lang::Ru), "1\u{a0}234,56");
        assert_eq!(decimal(-0.04, 1, Lang::En), "0.0");
        assert_eq!(decimal(-2.5, 1, Lang::Ru), "-2,5");
        assert_eq!(percent(0.73, Lang::En), "73%");
        assert_eq!(percent(0.73, Lang::Ru), "73\u{a0}%");
        assert_eq!(percent(0.73, Lang::Uz), "73%");
        assert_eq!(percent(1.0, Lang::En), "100%");
        assert_eq!(percent(0.125, Lang::En), "13%");
        assert_eq!(percent(0.005, Lang::En), "1%");
        assert_eq!(change(12.5, Lang::En), "+12.5%");
        assert_eq!(change(-8.3, Lang::Ru), "\u{2212}8,3\u{a0}%");
        assert_eq!(change(-8.3, Lang::Uz), "\u{2212}8,3%");
        assert_eq!(change(50.0, Lang::En), "+50%");
        assert_eq!(change(0.0, Lang::En), "0%");
        assert_eq!(change(-0.01, Lang::En), "0%");
    }

    #[test]
    fn durations_show_their_two_largest_units() {
        let nb = |s: &str| s.replace('_', "\u{a0}");
        assert_eq!(duration(0, Lang::En), nb("0_s"));
        assert_eq!(duration(45, Lang::En), nb("45_s"));
        assert_eq!(duration(135, Lang::En), nb("2_min 15_s"));
        assert_eq!(duration(135, Lang::Ru), nb("2_мин 15_с"));
        assert_eq!(duration(135, Lang::Uz), nb("2_daq 15_s"));
        assert_eq!(duration(120, Lang::En), nb("2_min"));
        assert_eq!(duration(3_900, Lang::En), nb("1_h 5_min"));
        assert_eq!(duration(3_600 + 59, Lang::Ru), nb("1_ч"));
        assert_eq!(duration(3_605, Lang::Uz), nb("1_soat"));
        assert_eq!(duration(90_000, Lang::Uz), nb("1_kun 1_soat"));
        assert_eq!(duration(86_400 * 1_500, Lang::En), nb("1,500_d"));
    }

    #[test]
    fn dates_are_written_the_way_each_language_writes_them() {
        let d = IsoDate::parse("2026-11-25").unwrap();
        assert_eq!(date(&d, Lang::En), "25\u{a0}Nov\u{a0}2026");
        assert_eq!(date(&d, Lang::Ru), "25\u{a0}нояб.\u{a0}2026");
        assert_eq!(date(&d, Lang::Uz), "25-noy, 2026");
        let may = IsoDate::parse("2026-05-01").unwrap();
        assert_eq!(day_month(&may, Lang::Ru), "1\u{a0}мая");
        assert_eq!(day_month(&may, Lang::En), "1\u{a0}May");
        let jan = IsoDate::parse("2027-01-09").unwrap();
        assert_eq!(day_month(&jan, Lang::Uz), "9-yan");
        assert_eq!(
            date_range(&may, &jan, Lang::En),
            "1\u{a0}May\u{a0}2026 – 9\u{a0}Jan\u{a0}2027"
        );
        assert_eq!(date_range(&d, &d, Lang::Uz), "25-noy, 2026");
    }

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

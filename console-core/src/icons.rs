//! The console's icons, inline SVG paths on a 24-unit grid drawn with `currentColor`:
//! a glyph such as 📎 is an empty box where no emoji font is installed (Debian's
//! Chromium, many Linux desktops), and an icon font would be one more download.

use leptos::prelude::*;

/// One stroke path per icon, Feather-style (2-unit round strokes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    Paperclip,
    Send,
    Check,
    Close,
    Info,
    Back,
    Copy,
    Keyboard,
    Lock,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Paperclip => "M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5",
            Icon::Send => "M22 2L11 13M22 2l-7 20-4-9-9-4 20-7z",
            Icon::Check => "M20 6L9 17l-5-5",
            Icon::Close => "M18 6L6 18M6 6l12 12",
            Icon::Info => "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 16v-4M12 8h.01",
            Icon::Back => "M19 12H5M12 19l-7-7 7-7",
            Icon::Copy => "M9 9h11v11H9zM5 15H4V4h11v1",
            Icon::Keyboard => "M3 6h18v12H3zM7 10h.01M11 10h.01M15 10h.01M7 14h10",
            Icon::Lock => "M5 11h14v10H5zM8 11V7a4 4 0 0 1 8 0v4",
        }
    }
}

/// The icon, hidden from assistive technology: the control around it carries the name.
pub fn icon(which: Icon) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"
            focusable="false" fill="none" stroke="currentColor" stroke-width="2"
            stroke-linecap="round" stroke-linejoin="round">
            <path d=which.path() />
        </svg>
    }
}

/// Two letters for an avatar: the first of the first two words, else the first two
/// characters; "?" for nobody.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '@' || c == '.')
        .filter(|w| !w.is_empty())
        .collect();
    let letters: String = match words.as_slice() {
        [] => "?".to_string(),
        [one] => one.chars().take(2).collect(),
        [first, second, ..] => first
            .chars()
            .take(1)
            .chain(second.chars().take(1))
            .collect(),
    };
    letters.to_uppercase()
}

/// One of eight avatar hues, the same for the same name on every screen.
pub fn hue(name: &str) -> u32 {
    let sum = name
        .chars()
        .fold(0u32, |h, c| h.wrapping_mul(31).wrapping_add(c as u32));
    (sum % 8) * 45
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_two_words_or_two_letters() {
        assert_eq!(initials("Dilnoza Yusupova"), "DY");
        assert_eq!(initials("иван петров"), "ИП");
        assert_eq!(initials("john@example.com"), "JE");
        assert_eq!(initials("Aziz"), "AZ");
        assert_eq!(initials("  "), "?");
    }

    #[test]
    fn a_name_keeps_its_hue() {
        assert_eq!(hue("Dilnoza"), hue("Dilnoza"));
        assert!(hue("Dilnoza") < 360);
    }
}

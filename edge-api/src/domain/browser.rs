//! What the contact sidebar shows of a session's request: the browser and system a
//! User-Agent names, and the country Cloudflare located the address in. Only these
//! short readings are stored, never the raw header.

/// Browsers by the token that names them, most specific first: Edge, Opera, Yandex
/// and Samsung also carry `Chrome/`, and Chrome carries `Safari/`.
const BROWSERS: &[(&str, &str)] = &[
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("YaBrowser/", "Yandex Browser"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
];

/// Systems by the token that names them, most specific first: Android's agents say
/// `Linux`, iOS's say `like Mac OS X`.
const SYSTEMS: &[(&str, &str)] = &[
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("iPod", "iOS"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
];

/// `Chrome 131 on Android`, `Safari 18 on macOS`, `Windows` when only the system is
/// known, `None` when neither is (a bot's or a script's agent).
pub fn describe(user_agent: &str) -> Option<String> {
    let system = SYSTEMS
        .iter()
        .find(|(token, _)| user_agent.contains(token))
        .map(|(_, name)| *name);
    let browser = BROWSERS
        .iter()
        .find_map(|(token, name)| {
            let at = user_agent.find(token)?;
            Some((*name, major(&user_agent[at + token.len()..])))
        })
        .or_else(|| {
            // Safari names itself only by `Version/x … Safari/`.
            let at = user_agent.find("Version/")?;
            user_agent
                .contains("Safari/")
                .then(|| ("Safari", major(&user_agent[at + "Version/".len()..])))
        });
    match (browser, system) {
        (Some((name, Some(v))), Some(os)) => Some(format!("{name} {v} on {os}")),
        (Some((name, None)), Some(os)) => Some(format!("{name} on {os}")),
        (Some((name, Some(v))), None) => Some(format!("{name} {v}")),
        (Some((name, None)), None) => Some(name.to_string()),
        (None, Some(os)) => Some(os.to_string()),
        (None, None) => None,
    }
}

/// The leading major version of `131.0.6778.135 Mobile…`, if it is a number.
fn major(rest: &str) -> Option<u32> {
    let digits: String = rest
        .chars()
        .take_while(char::is_ascii_digit)
        .take(6)
        .collect();
    digits.parse().ok()
}

/// An ISO 3166-1 alpha-2 code from Cloudflare's `CF-IPCountry`, upper-cased; `None` for
/// its `XX` (unknown) and `T1` (Tor), and for anything that is not two letters.
pub fn country(header: &str) -> Option<String> {
    let code = header.trim();
    let letters = code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic());
    let code = code.to_ascii_uppercase();
    (letters && code != "XX" && code != "T1").then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_browsers_and_systems_are_named_with_their_major_version() {
        let cases = [
            ("Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36", "Chrome 131 on Android"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86", "Edge 131 on Windows"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari 18 on macOS"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari 18 on iOS"),
            ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox 133 on Linux"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 YaBrowser/24.12.0.0 Safari/537.36", "Yandex Browser 24 on Windows"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0", "Opera 115 on Windows"),
            ("Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36", "Samsung Internet 27 on Android"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", "Chrome 131 on iOS"),
            ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131 on ChromeOS"),
        ];
        for (agent, expected) in cases {
            assert_eq!(describe(agent).as_deref(), Some(expected), "{agent}");
        }
    }

    #[test]
    fn what_names_no_browser_says_what_it_can_or_nothing() {
        assert_eq!(
            describe("Mozilla/5.0 (Windows NT 10.0)").as_deref(),
            Some("Windows")
        );
        assert_eq!(describe("Firefox/abc").as_deref(), Some("Firefox"));
        assert_eq!(describe("curl/8.5.0"), None);
        assert_eq!(describe(""), None);
    }

    #[test]
    fn a_country_is_two_letters_and_never_unknown_or_tor() {
        assert_eq!(country("uz").as_deref(), Some("UZ"));
        assert_eq!(country(" RU ").as_deref(), Some("RU"));
        assert_eq!(country("XX"), None);
        assert_eq!(country("T1"), None);
        assert_eq!(country("UZB"), None);
        assert_eq!(country("1A"), None);
    }
}

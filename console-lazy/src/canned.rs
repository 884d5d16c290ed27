//! Canned replies: the team's ready answers, listed for every agent and made, changed
//! and removed by owners and admins over `GET/POST /v1/canned-responses` and
//! `PATCH/DELETE /v1/canned-responses/{id}`. The composer offers them after `/`
//! (`matching`, for `crate::composer`).

use leptos::html::{Input, Textarea};
use leptos::prelude::*;
use serde_json::json;
use shared_types::canned::CannedResponse;

use crate::i18n::{words, Lang};
use crate::settings::{Collection, ErrorLine};

/// This tab's words.
pub struct CannedWords {
    pub shortcut: &'static str,
    pub name: &'static str,
    pub text: &'static str,
    pub hint: &'static str,
    pub create: &'static str,
    pub remove: &'static str,
    pub empty: &'static str,
}

static EN: CannedWords = CannedWords {
    shortcut: "Shortcut (a-z, 0-9, _ and -)",
    name: "Title",
    text: "Text",
    hint: "Type / and the shortcut in a reply. {{visitor.name}}, {{visitor.email}} and {{agent.name}} are filled in.",
    create: "Add reply",
    remove: "Remove",
    empty: "No canned replies yet",
};

static RU: CannedWords = CannedWords {
    shortcut: "Сокращение (a-z, 0-9, _ и -)",
    name: "Название",
    text: "Текст",
    hint: "Наберите / и сокращение в ответе. {{visitor.name}}, {{visitor.email}} и {{agent.name}} подставляются.",
    create: "Добавить шаблон",
    remove: "Удалить",
    empty: "Шаблонов пока нет",
};

static UZ: CannedWords = CannedWords {
    shortcut: "Qisqartma (a-z, 0-9, _ va -)",
    name: "Sarlavha",
    text: "Matn",
    hint: "Javobda / va qisqartmani yozing. {{visitor.name}}, {{visitor.email}} va {{agent.name}} o'rniga qiymat qo'yiladi.",
    create: "Javob qo'shish",
    remove: "O'chirish",
    empty: "Hali tayyor javob yo'q",
};

pub fn canned_words(lang: Lang) -> &'static CannedWords {
    crate::i18n::pick(lang, &EN, &RU, &UZ)
}

#[component]
pub fn Canned(lang: Lang, manager: bool) -> impl IntoView {
    let t = canned_words(lang);
    let list = Collection::<CannedResponse>::load("/v1/canned-responses", lang);
    let (shortcut, title) = (NodeRef::<Input>::new(), NodeRef::<Input>::new());
    let text = NodeRef::<Textarea>::new();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(s), Some(n), Some(x)) = (
            shortcut.get_untracked(),
            title.get_untracked(),
            text.get_untracked(),
        ) else {
            return;
        };
        let body = json!({"shortcut": s.value(), "title": n.value(), "text": x.value()});
        list.create(body, move |_: CannedResponse| {
            s.set_value("");
            n.set_value("");
            x.set_value("");
        });
    };
    view! {
        <section class="keys canned" aria-label=words(lang).canned_replies>
            <h2>{words(lang).canned_replies}</h2>
            <p class="muted">{t.hint}</p>
            {manager.then(|| view! {
                <form class="create" on:submit=add>
                    <input node_ref=shortcut type="text" required maxlength="32" pattern="[a-z0-9_\\-]+"
                        aria-label=t.shortcut placeholder=t.shortcut data-testid="canned-shortcut" />
                    <input node_ref=title type="text" required maxlength="100"
                        aria-label=t.name placeholder=t.name data-testid="canned-title" />
                    <textarea node_ref=text required rows="2" aria-label=t.text placeholder=t.text
                        data-testid="canned-text"></textarea>
                    <button type="submit" data-testid="canned-create">{t.create}</button>
                </form>
            })}
            <ErrorLine error=list.error testid="canned-error" />
            <Show when=move || list.items.with(Vec::is_empty)>
                <p class="muted" data-testid="canned-empty">{t.empty}</p>
            </Show>
            <table>
                <tbody>
                    <For each=move || list.items.get() key=|c| c.id.clone() let:c>
                        <tr data-testid="canned-row" data-shortcut=c.shortcut.as_str().to_string()>
                            <td><code>{format!("/{}", c.shortcut.as_str())}</code></td>
                            <td><strong>{c.title.as_str().to_string()}</strong>
                                <div class="muted">{c.text.as_str().to_string()}</div></td>
                            <td>
                                {manager.then(|| {
                                    let id = c.id.clone();
                                    view! {
                                        <button type="button" data-testid="canned-remove"
                                            on:click=move |_| list.remove(&id)>{t.remove}</button>
                                    }
                                })}
                            </td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
    }
}

/// The canned replies whose shortcut starts with what follows the `/` the composer's
/// text starts with; none when it does not start with `/` or holds a space already.
pub fn matching<'a>(all: &'a [CannedResponse], draft: &str) -> Vec<&'a CannedResponse> {
    let Some(typed) = draft.strip_prefix('/') else {
        return Vec::new();
    };
    if typed.contains(char::is_whitespace) {
        return Vec::new();
    }
    all.iter()
        .filter(|c| c.shortcut.as_str().starts_with(typed))
        .take(8)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canned(shortcut: &str) -> CannedResponse {
        CannedResponse {
            id: format!("canned_{shortcut}"),
            shortcut: shortcut.parse().unwrap(),
            title: "T".parse().unwrap(),
            text: "X".parse().unwrap(),
            created_at: String::new(),
        }
    }

    #[test]
    fn a_slash_and_the_start_of_a_shortcut_find_it() {
        let all = [canned("narx"), canned("narxlar"), canned("salom")];
        let names = |draft: &str| -> Vec<String> {
            matching(&all, draft)
                .iter()
                .map(|c| c.shortcut.as_str().to_string())
                .collect()
        };
        assert_eq!(names("/"), vec!["narx", "narxlar", "salom"]);
        assert_eq!(names("/narx"), vec!["narx", "narxlar"]);
        assert_eq!(names("/s"), vec!["salom"]);
        assert!(names("narx").is_empty());
        assert!(names("/narx ").is_empty());
        assert!(names("/x").is_empty());
    }

    #[test]
    fn every_language_has_every_word() {
        for t in [&EN, &RU, &UZ] {
            for w in [
                t.shortcut, t.name, t.text, t.hint, t.create, t.remove, t.empty,
            ] {
                assert!(!w.is_empty());
            }
        }
    }
}

//! The Visitors tab: who is on the site now (`GET /v1/visitors/online`), kept live by
//! the workspace feed's `visitor.online`, `visitor.page` and `visitor.offline` frames,
//! which the inbox's one feed socket hands to [`apply`]. A visitor not in a chat can be
//! invited to one (`POST /v1/visitors/{id}/invite`): their widget shows the message at
//! its next beat.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::presence::OnlineVisitor;
use shared_types::realtime::ServerFrame;
use shared_types::DataList;

use crate::api;
use crate::i18n::Lang;

pub struct VisitorsWords {
    pub title: &'static str,
    pub none: &'static str,
    pub who: &'static str,
    pub page: &'static str,
    pub from: &'static str,
    pub pages: &'static str,
    pub since: &'static str,
    pub returning: &'static str,
    pub in_chat: &'static str,
    pub invite: &'static str,
    pub invite_text: &'static str,
    pub send: &'static str,
    pub cancel: &'static str,
    pub invited: &'static str,
    pub invite_default: &'static str,
}

const EN: VisitorsWords = VisitorsWords {
    title: "Visitors",
    none: "Nobody is on the site right now.",
    who: "Visitor",
    page: "Page",
    from: "Where from",
    pages: "Pages",
    since: "Here since",
    returning: "returning",
    in_chat: "in a chat",
    invite: "Invite",
    invite_text: "Invitation",
    send: "Send",
    cancel: "Cancel",
    invited: "Invited: they will see it within 30 s.",
    invite_default: "Hello! Can I help you with anything?",
};

const RU: VisitorsWords = VisitorsWords {
    title: "Посетители",
    none: "Сейчас на сайте никого нет.",
    who: "Посетитель",
    page: "Страница",
    from: "Откуда",
    pages: "Страниц",
    since: "На сайте с",
    returning: "вернулся",
    in_chat: "в чате",
    invite: "Пригласить",
    invite_text: "Приглашение",
    send: "Отправить",
    cancel: "Отмена",
    invited: "Приглашение отправлено: посетитель увидит его в течение 30 с.",
    invite_default: "Здравствуйте! Могу чем-нибудь помочь?",
};

const UZ: VisitorsWords = VisitorsWords {
    title: "Tashrif buyuruvchilar",
    none: "Hozir saytda hech kim yo'q.",
    who: "Tashrif buyuruvchi",
    page: "Sahifa",
    from: "Qayerdan",
    pages: "Sahifalar",
    since: "Saytda",
    returning: "qaytgan",
    in_chat: "chatda",
    invite: "Taklif qilish",
    invite_text: "Taklif",
    send: "Yuborish",
    cancel: "Bekor qilish",
    invited: "Taklif yuborildi: 30 soniya ichida ko'radi.",
    invite_default: "Assalomu alaykum! Sizga yordam bera olamanmi?",
};

pub fn visitors_words(lang: Lang) -> &'static VisitorsWords {
    crate::i18n::pick(lang, &EN, &RU, &UZ)
}

/// Applies a feed frame to the list; `false` for frames about something else.
pub fn apply(list: &mut Vec<OnlineVisitor>, frame: &ServerFrame) -> bool {
    match frame {
        ServerFrame::VisitorOnline { visitor } | ServerFrame::VisitorPage { visitor } => {
            list.retain(|v| v.visitor_id != visitor.visitor_id);
            list.insert(0, visitor.clone());
            true
        }
        ServerFrame::VisitorOffline { visitor_id } => {
            list.retain(|v| &v.visitor_id != visitor_id);
            true
        }
        _ => false,
    }
}

/// The whole list again (on every feed connect: frames sent while away are gone).
pub fn refresh(visitors: RwSignal<Vec<OnlineVisitor>>) {
    spawn_local(async move {
        if let Ok(list) =
            api::call::<DataList<OnlineVisitor>>("GET", "/v1/visitors/online", None).await
        {
            visitors.set(list.data);
        }
    });
}

#[component]
pub fn Visitors(lang: Lang, visitors: RwSignal<Vec<OnlineVisitor>>) -> impl IntoView {
    let vw = visitors_words(lang);
    refresh(visitors);
    let inviting = Inviting {
        open: RwSignal::new(None),
        text: RwSignal::new(vw.invite_default.to_string()),
        note: RwSignal::new(None),
        busy: RwSignal::new(false),
    };
    view! {
        <section class="visitors">
            <Show when=move || visitors.with(Vec::is_empty)>
                <p class="empty" data-testid="visitors-empty">{vw.none}</p>
            </Show>
            <Show when=move || visitors.with(|v| !v.is_empty())>
                <div class="table-scroll">
                    <table class="agents visitors-table" data-testid="visitors-table">
                        <thead><tr>
                            <th scope="col">{vw.who}</th>
                            <th scope="col">{vw.page}</th>
                            <th scope="col">{vw.from}</th>
                            <th scope="col">{vw.pages}</th>
                            <th scope="col">{vw.since}</th>
                            <th scope="col"><span class="sr-only">{vw.invite}</span></th>
                        </tr></thead>
                        <tbody>
                            <For each=move || visitors.get()
                                key=|v| (v.visitor_id.clone(), v.page_url.clone(), v.last_seen_at.clone()) let:v>
                                <tr data-testid="visitor-row" data-visitor-id=v.visitor_id.clone()>
                                    <td>
                                        <strong>{v.name.clone().or(v.email.clone()).unwrap_or_else(|| vw.who.to_string())}</strong>
                                        {v.returning.then(|| view! { " " <span class="pending">{vw.returning}</span> })}
                                        {v.chat_id.is_some().then(|| view! { " " <span class="badge">{vw.in_chat}</span> })}
                                    </td>
                                    <td>
                                        <span class="muted">{v.page_title.clone().unwrap_or_default()}</span><br/>
                                        <span data-testid="visitor-page-url">{v.page_url.clone()}</span>
                                    </td>
                                    <td>
                                        {[v.country.clone(), v.device.clone(), v.referrer.clone()]
                                            .into_iter().flatten().collect::<Vec<_>>().join(" · ")}
                                    </td>
                                    <td data-testid="visitor-pages">{v.pages_this_session}</td>
                                    <td><time datetime=v.online_since.clone()>{crate::i18n::short_time(&v.online_since, lang)}</time></td>
                                    <td>{v.chat_id.is_none().then(|| view! { <Invite lang=lang visitor_id=v.visitor_id.clone() inviting=inviting /> })}</td>
                                </tr>
                            </For>
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}

/// Who is being invited and with what: kept by the tab, not the row, because a row is
/// drawn again at every page the visitor moves to, and a half-written invitation must
/// survive that.
#[derive(Clone, Copy)]
struct Inviting {
    /// The visitor whose form is open.
    open: RwSignal<Option<String>>,
    text: RwSignal<String>,
    /// The visitor the last answer was about, and what it said.
    note: RwSignal<Option<(String, String)>>,
    busy: RwSignal<bool>,
}

/// The Invite button of a visitor's row, and the short form it opens.
#[component]
fn Invite(lang: Lang, visitor_id: String, inviting: Inviting) -> impl IntoView {
    let vw = visitors_words(lang);
    let Inviting {
        open,
        text,
        note,
        busy,
    } = inviting;
    let id = StoredValue::new(visitor_id);
    let mine = move || open.with(|o| id.with_value(|id| o.as_ref() == Some(id)));
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let visitor_id = id.get_value();
        let path = format!("/v1/visitors/{}/invite", api::encode(&visitor_id));
        let body = serde_json::json!({ "text": text.get_untracked() });
        busy.set(true);
        spawn_local(async move {
            let sent = api::call::<serde_json::Value>("POST", &path, Some(&body)).await;
            busy.set(false);
            match sent {
                Ok(_) => {
                    open.set(None);
                    text.set(vw.invite_default.to_string());
                    note.set(Some((visitor_id, vw.invited.to_string())));
                }
                Err(f) => note.set(Some((visitor_id, f.text(lang, crate::i18n::words(lang))))),
            }
        });
    };
    view! {
        <Show when=move || !mine()>
            <button type="button" data-testid="visitor-invite"
                on:click=move |_| { note.set(None); open.set(Some(id.get_value())); }>{vw.invite}</button>
        </Show>
        <Show when=mine>
            <form class="invite" data-testid="invite-form" on:submit=send>
                <label>{vw.invite_text}
                    <textarea data-testid="invite-text" rows="2" maxlength="10000"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                </label>
                <div class="row-actions">
                    <button type="submit" data-testid="invite-send" disabled=move || busy.get()>{vw.send}</button>
                    <button type="button" on:click=move |_| open.set(None)>{vw.cancel}</button>
                </div>
            </form>
        </Show>
        <p class="muted" data-testid="invite-note" role="status">
            {move || note.get().filter(|(v, _)| id.with_value(|id| v == id)).map(|(_, n)| n)}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visitor(id: &str, page: &str) -> OnlineVisitor {
        OnlineVisitor {
            visitor_id: id.into(),
            name: None,
            email: None,
            page_url: page.into(),
            page_title: None,
            referrer: None,
            country: None,
            device: None,
            online_since: "2026-12-03T10:00:00Z".into(),
            last_seen_at: "2026-12-03T10:00:00Z".into(),
            pages_this_session: 1,
            returning: false,
            chat_id: None,
        }
    }

    #[test]
    fn frames_move_a_visitor_to_the_top_and_take_them_away() {
        let mut list = vec![visitor("pv_a", "/"), visitor("pv_b", "/")];
        assert!(apply(
            &mut list,
            &ServerFrame::VisitorPage {
                visitor: visitor("pv_b", "/narxlar")
            }
        ));
        assert_eq!(list[0].page_url, "/narxlar");
        assert_eq!(list.len(), 2);
        apply(
            &mut list,
            &ServerFrame::VisitorOffline {
                visitor_id: "pv_a".into(),
            },
        );
        assert_eq!(list.len(), 1);
    }
}

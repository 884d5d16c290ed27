//! The team: who the agents are and, for owners and admins, inviting a new one over
//! `GET/POST /v1/agents`, changing an agent's role and status (`PATCH
//! /v1/agents/{id}`), and sending a new invitation link to one who has not set a
//! password yet (`GET /v1/agents/invitations`, `POST /v1/agents/{id}/invitation`),
//! choosing when an agent is emailed about unanswered visitors, and removing an agent
//! after a confirmation (`DELETE /v1/agents/{id}`).
//! A link is shown once (only its hash is stored). What the menus offer follows the
//! server's rules, which the server enforces anyway (only an owner touches owners, the
//! last owner stays one).

use leptos::html::{Input, Select};
use leptos::prelude::*;
use serde_json::json;
use shared_types::agents::{Agent, AgentRole, AgentStatus, EmailNotifications};
use shared_types::auth::{CreatedAgent, Invitation, PendingInvitation};

use crate::i18n::{words, Lang};
use crate::settings::{Collection, ErrorLine, SecretOnce};

/// This tab's words beyond the shared ones.
struct TeamWords {
    role: &'static str,
    status: &'static str,
    owner: &'static str,
    admin: &'static str,
    operator: &'static str,
    online: &'static str,
    away: &'static str,
    offline: &'static str,
    pending: &'static str,
    reinvite: &'static str,
    remove: &'static str,
    remove_confirm: &'static str,
    remove_yes: &'static str,
    remove_no: &'static str,
    mail: &'static str,
    mail_offline: &'static str,
    mail_always: &'static str,
    mail_off: &'static str,
}

static EN: TeamWords = TeamWords {
    role: "Role",
    status: "Status",
    owner: "Owner",
    admin: "Admin",
    operator: "Operator",
    online: "Online",
    away: "Away",
    offline: "Offline",
    pending: "Invitation pending",
    reinvite: "Send a new link",
    remove: "Remove",
    remove_confirm: "Remove this agent? Their keys and sessions stop working at once and their open chats become unassigned.",
    remove_yes: "Yes, remove",
    remove_no: "Keep",
    mail: "Email about unanswered visitors",
    mail_offline: "When offline",
    mail_always: "Always",
    mail_off: "Never",
};

static RU: TeamWords = TeamWords {
    role: "Роль",
    status: "Статус",
    owner: "Владелец",
    admin: "Администратор",
    operator: "Оператор",
    online: "В сети",
    away: "Отошёл",
    offline: "Не в сети",
    pending: "Приглашение не принято",
    reinvite: "Отправить новую ссылку",
    remove: "Удалить",
    remove_confirm: "Удалить этого агента? Его ключи и сессии сразу перестанут работать, а его открытые чаты останутся без исполнителя.",
    remove_yes: "Да, удалить",
    remove_no: "Оставить",
    mail: "Письма о неотвеченных посетителях",
    mail_offline: "Когда не в сети",
    mail_always: "Всегда",
    mail_off: "Никогда",
};

static UZ: TeamWords = TeamWords {
    role: "Rol",
    status: "Holat",
    owner: "Egasi",
    admin: "Administrator",
    operator: "Operator",
    online: "Onlayn",
    away: "Joyida emas",
    offline: "Oflayn",
    pending: "Taklif hali qabul qilinmagan",
    reinvite: "Yangi havola yuborish",
    remove: "O'chirish",
    remove_confirm: "Bu agentni o'chirasizmi? Uning kalitlari va sessiyalari darhol ishlamay qoladi, ochiq suhbatlari esa biriktirilmagan bo'lib qoladi.",
    remove_yes: "Ha, o'chirish",
    remove_no: "Qoldirish",
    mail: "Javobsiz mehmonlar haqida xat",
    mail_offline: "Oflayn bo'lganda",
    mail_always: "Har doim",
    mail_off: "Hech qachon",
};

fn team_words(lang: Lang) -> &'static TeamWords {
    crate::i18n::pick(lang, &EN, &RU, &UZ)
}

fn role_label(t: &TeamWords, role: AgentRole) -> &'static str {
    match role {
        AgentRole::Owner => t.owner,
        AgentRole::Admin => t.admin,
        AgentRole::Operator => t.operator,
    }
}

fn status_label(t: &TeamWords, status: AgentStatus) -> &'static str {
    match status {
        AgentStatus::Online => t.online,
        AgentStatus::Away => t.away,
        AgentStatus::Offline => t.offline,
    }
}

fn mail_label(t: &TeamWords, n: EmailNotifications) -> &'static str {
    match n {
        EmailNotifications::Offline => t.mail_offline,
        EmailNotifications::Always => t.mail_always,
        EmailNotifications::Off => t.mail_off,
    }
}

/// The roles `me` may give: only an owner hands out (or takes away) ownership.
fn grantable(me: AgentRole) -> &'static [AgentRole] {
    match me {
        AgentRole::Owner => AgentRole::ALL,
        _ => &[AgentRole::Admin, AgentRole::Operator],
    }
}

/// Whether `me` may change `their` role at all.
fn may_change_role(me: AgentRole, their: AgentRole) -> bool {
    match me {
        AgentRole::Owner => true,
        AgentRole::Admin => their != AgentRole::Owner,
        AgentRole::Operator => false,
    }
}

/// Whether `me` may remove an agent of role `their` (the server's rule; it also keeps
/// the last owner).
fn may_remove(me: AgentRole, their: AgentRole) -> bool {
    match me {
        AgentRole::Owner => true,
        AgentRole::Admin => their == AgentRole::Operator,
        AgentRole::Operator => false,
    }
}

#[component]
pub fn Agents(lang: Lang, me: AgentRole) -> impl IntoView {
    let w = words(lang);
    let t = team_words(lang);
    let agents = Collection::<Agent>::load("/v1/agents", lang);
    let pending = Collection::<PendingInvitation>::load("/v1/agents/invitations", lang);
    let link = RwSignal::new(None::<String>);
    let (name, email) = (NodeRef::<Input>::new(), NodeRef::<Input>::new());
    let role = NodeRef::<Select>::new();
    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(n), Some(e), Some(r)) = (
            name.get_untracked(),
            email.get_untracked(),
            role.get_untracked(),
        ) else {
            return;
        };
        let body = json!({"name": n.value(), "email": e.value(), "role": r.value()});
        agents.create(body, move |created: CreatedAgent| {
            n.set_value("");
            e.set_value("");
            link.set(Some(created.invitation.url));
            pending.reload();
        });
    };
    let reinvite = move |id: String| {
        let path = format!("{}/invitation", agents.item_path(&id));
        agents.send("POST", path, None, move |invitation: Invitation| {
            link.set(Some(invitation.url));
            pending.reload();
        });
    };
    // The stored value, read again after every answer, so a refused change springs back.
    let stored = move |id: &str| {
        agents
            .items
            .with(|l| l.iter().find(|a| a.id.as_str() == id).cloned())
    };
    // The agent whose removal waits for a second click.
    let confirming = RwSignal::new(None::<String>);
    let is_pending = move |id: &str| {
        pending
            .items
            .with(|l| l.iter().any(|p| p.agent_id.as_str() == id))
    };
    view! {
        <section class="keys team" aria-label=w.agents>
            <form class="create" on:submit=invite>
                <input node_ref=name type="text" required maxlength="100" aria-label=w.name
                    placeholder=w.name data-testid="invite-name" />
                <input node_ref=email type="email" required aria-label=w.email
                    placeholder=w.email data-testid="invite-email" />
                <select node_ref=role aria-label=t.role data-testid="invite-role">
                    {grantable(me).iter().rev().map(|&r| view! {
                        <option value=r.as_str()>{role_label(t, r)}</option>
                    }).collect_view()}
                </select>
                <button type="submit" data-testid="invite-create">{w.invite}</button>
            </form>
            <ErrorLine error=agents.error testid="agent-error" />
            <SecretOnce secret=link note=w.invite_shown_once testid="invite-link" />
            <table>
                <tbody>
                    <For each=move || agents.items.get() key=|a| a.id.clone() let:a>
                        <tr data-testid="agent-row" data-agent-id=a.id.as_str().to_string()
                            data-email=a.email.clone()>
                            <td>
                                <strong>{a.name.clone()}</strong>
                                <div class="muted">{a.email.clone()}</div>
                                {let id = a.id.as_str().to_string(); move || is_pending(&id).then(|| {
                                    let id = id.clone();
                                    view! {
                                        <span class="pending" data-testid="agent-pending">{t.pending}</span>
                                        " "
                                        <button type="button" data-testid="agent-reinvite"
                                            on:click=move |_| reinvite(id.clone())>{t.reinvite}</button>
                                    }
                                })}
                            </td>
                            <td>
                                <select aria-label=t.role data-testid="agent-role"
                                    disabled={let id = a.id.as_str().to_string(); move || {
                                        !stored(&id).is_some_and(|a| may_change_role(me, a.role))
                                    }}
                                    prop:value={let id = a.id.as_str().to_string(); move || {
                                        stored(&id).map(|a| a.role.as_str()).unwrap_or_default()
                                    }}
                                    on:change={let id = a.id.as_str().to_string(); move |ev| {
                                        agents.update(&id, json!({"role": event_target_value(&ev)}));
                                    }}>
                                    {AgentRole::ALL.iter().map(|&r| view! {
                                        <option value=r.as_str()
                                            disabled=!grantable(me).contains(&r)>{role_label(t, r)}</option>
                                    }).collect_view()}
                                </select>
                            </td>
                            <td>
                                <select aria-label=t.status data-testid="agent-status"
                                    prop:value={let id = a.id.as_str().to_string(); move || {
                                        stored(&id).map(|a| a.status.as_str()).unwrap_or_default()
                                    }}
                                    on:change={let id = a.id.as_str().to_string(); move |ev| {
                                        agents.update(&id, json!({"status": event_target_value(&ev)}));
                                    }}>
                                    {AgentStatus::ALL.iter().map(|&s| view! {
                                        <option value=s.as_str()>{status_label(t, s)}</option>
                                    }).collect_view()}
                                </select>
                            </td>
                            <td>
                                <select aria-label=t.mail title=t.mail data-testid="agent-email-notifications"
                                    prop:value={let id = a.id.as_str().to_string(); move || {
                                        stored(&id).map(|a| a.email_notifications.as_str()).unwrap_or_default()
                                    }}
                                    on:change={let id = a.id.as_str().to_string(); move |ev| {
                                        agents.update(&id, json!({"email_notifications": event_target_value(&ev)}));
                                    }}>
                                    {EmailNotifications::ALL.iter().map(|&n| view! {
                                        <option value=n.as_str()>{mail_label(t, n)}</option>
                                    }).collect_view()}
                                </select>
                            </td>
                            <td>
                                {let id = a.id.as_str().to_string(); move || {
                                    let shown = stored(&id).is_some_and(|a| may_remove(me, a.role));
                                    let asking = confirming.with(|c| c.as_deref() == Some(id.as_str()));
                                    let (ask, yes) = (id.clone(), id.clone());
                                    match (shown, asking) {
                                        (false, _) => None,
                                        (true, false) => Some(view! {
                                            <button type="button" data-testid="agent-remove"
                                                on:click=move |_| confirming.set(Some(ask.clone()))>{t.remove}</button>
                                        }.into_any()),
                                        (true, true) => Some(view! {
                                            <span role="alertdialog" data-testid="agent-remove-confirm">
                                                {t.remove_confirm} " "
                                                <button type="button" data-testid="agent-remove-yes"
                                                    on:click=move |_| {
                                                        confirming.set(None);
                                                        agents.remove(&yes);
                                                    }>{t.remove_yes}</button>
                                                " "
                                                <button type="button" data-testid="agent-remove-no"
                                                    on:click=move |_| confirming.set(None)>{t.remove_no}</button>
                                            </span>
                                        }.into_any()),
                                    }
                                }}
                            </td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_translated() {
        let all = |t: &TeamWords| {
            [
                t.role,
                t.status,
                t.owner,
                t.admin,
                t.operator,
                t.online,
                t.away,
                t.offline,
                t.pending,
                t.reinvite,
                t.remove,
                t.remove_confirm,
                t.remove_yes,
                t.remove_no,
                t.mail,
                t.mail_offline,
                t.mail_always,
                t.mail_off,
            ]
        };
        for (lang, table) in [("ru", &RU), ("uz", &UZ)] {
            for (en, other) in all(&EN).into_iter().zip(all(table)) {
                // "Operator" is the Uzbek word too.
                assert!(
                    !other.is_empty() && (other != en || en == "Operator"),
                    "{lang}: {en}"
                );
            }
        }
    }

    #[test]
    fn only_an_owner_offers_ownership_or_touches_owners() {
        assert_eq!(grantable(AgentRole::Owner), AgentRole::ALL);
        assert!(!grantable(AgentRole::Admin).contains(&AgentRole::Owner));
        assert!(may_change_role(AgentRole::Owner, AgentRole::Owner));
        assert!(!may_change_role(AgentRole::Admin, AgentRole::Owner));
        assert!(may_change_role(AgentRole::Admin, AgentRole::Operator));
        assert!(!may_change_role(AgentRole::Operator, AgentRole::Operator));
    }

    #[test]
    fn owners_remove_anyone_admins_only_operators() {
        for their in AgentRole::ALL.iter().copied() {
            assert!(may_remove(AgentRole::Owner, their));
            assert!(!may_remove(AgentRole::Operator, their));
        }
        assert!(may_remove(AgentRole::Admin, AgentRole::Operator));
        assert!(!may_remove(AgentRole::Admin, AgentRole::Admin));
        assert!(!may_remove(AgentRole::Admin, AgentRole::Owner));
    }
}

//! Visitors on the site right now. The loader beats (`POST /v1/public/widgets/{id}/
//! presence`): a page view on load and on every SPA navigation, a ping at most every
//! 30 s while the tab is shown. The workspace's object keeps one row per browser and
//! says whether the beat brought the visitor online or to another page; the worker
//! tells the feed (`visitor.online`, `visitor.page`). A visitor with no beat for a
//! minute (`VISITOR_OFFLINE_SECONDS`) is turned offline by the object's alarm, which
//! tells the feed (`visitor.offline`). None of it needs the widget's wasm.
//!
//! An agent may invite a visitor on the site (`POST /v1/visitors/{id}/invite`). The
//! invitation waits in the object for that browser's next beat, whose answer carries it
//! (200 instead of 204): the beat is the only line to a browser that has no chat, and
//! it comes at least every 30 s while the page is shown. The widget shows it beside the
//! launcher and sends its id with the visitor's first message, which starts the chat
//! with the invitation as the agent's first message.

use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::presence::{
    is_presence_id, BeatAnswer, InviteRequest, OnlineVisitor, PresenceBeat, ShownInvitation,
    VisitorInvitation, INVITATION_WAITS_MINUTES,
};
use shared_types::realtime::ServerFrame;

use crate::auth::{visitor_from_token, Caller};
use crate::domain::{bounds, browser, ids, rate_limit, time};
use crate::error::ApiError;
use crate::limits;
use crate::objects::workspace::client::ask;
use crate::objects::workspace::protocol::{PresenceOp, Request};
use crate::services::{sockets, widget};
use crate::state::AppState;

pub const TITLE_MAX_CHARS: usize = 300;
pub const REFERRER_MAX_CHARS: usize = 2_000;

/// What a beat changed, for the feed.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    Online { visitor: OnlineVisitor },
    Page { visitor: OnlineVisitor },
    Same,
}

/// What a beat answers: its change, and the invitation waiting for this browser, which
/// is delivered by this answer (so shown once).
#[derive(Debug, Serialize, Deserialize)]
pub struct Beaten {
    pub change: Change,
    #[serde(default)]
    pub invitation: Option<ShownInvitation>,
}

/// What an invitation found.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Invited {
    Sent {
        invitation: VisitorInvitation,
    },
    /// No browser or visitor of that id was ever seen.
    Unknown,
    /// Known, but not on the site now.
    Offline,
    /// In an open chat already.
    Chatting,
}

/// How long a visitor stays online after their last beat.
pub fn offline_after(state: &AppState) -> chrono::Duration {
    state.seconds_var("VISITOR_OFFLINE_SECONDS", 60)
}

/// Records a beat. WS-001 for an unknown workspace, AUTH-009 off its domains, AUTH-007
/// for a token that is not one of its visitors', REQ-004 for bad fields, RATE-001 past
/// the address's budget; nothing is stored then. Answers the invitation waiting for
/// this browser, if there is one.
pub async fn beat(
    state: &AppState,
    parts: &Parts,
    workspace_id: String,
    body: PresenceBeat,
) -> Result<Option<BeatAnswer>, ApiError> {
    let headers = &parts.headers;
    let mut fields = FieldErrors::default();
    if !is_presence_id(&body.presence_id) {
        fields.push("presence_id", "must be pv_ and 20 letters or digits");
    }
    bounds::check_chars(
        "page_url",
        Some(body.page_url.as_str()),
        bounds::PAGE_URL_MAX_CHARS,
        &mut fields,
    );
    bounds::check_chars(
        "page_title",
        body.page_title.as_deref(),
        TITLE_MAX_CHARS,
        &mut fields,
    );
    bounds::check_chars(
        "referrer",
        body.referrer.as_deref(),
        REFERRER_MAX_CHARS,
        &mut fields,
    );
    if !fields.is_empty() {
        return Err(ApiError::validation(fields));
    }
    let domains = widget::allowed_domains(state, &workspace_id)
        .await?
        .ok_or(ErrorCode::WorkspaceNotFound)?;
    widget::check_origin(headers, &domains)?;
    let visitor_id = match shared_types::admin::bearer_token(
        headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    ) {
        Ok(token) => {
            let visitor = visitor_from_token(state, token)?;
            if visitor.workspace_id != workspace_id {
                return Err(ErrorCode::AuthVisitorToken.into());
            }
            Some(visitor.visitor_id)
        }
        Err(_) => None,
    };
    let budget = format!("presence:{workspace_id}:{}", limits::client_ip(headers));
    limits::spend(state, parts, &budget, rate_limit::PRESENCE_PER_IP).await?;
    let now = time::now();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let Beaten { change, invitation }: Beaten = ask(
        state,
        &workspace_id,
        &Request::Presence(PresenceOp::Beat {
            workspace_id: workspace_id.clone(),
            presence_id: body.presence_id,
            visitor_id,
            view: body.kind == shared_types::presence::BeatKind::View,
            page_url: body.page_url.as_str().to_string(),
            page_title: body.page_title.filter(|t| !t.trim().is_empty()),
            referrer: body.referrer.filter(|r| !r.trim().is_empty()),
            country: header("cf-ipcountry").and_then(browser::country),
            device: header("user-agent").and_then(browser::describe),
            now: time::format(now),
            offline_at: time::format(now + offline_after(state)),
        }),
    )
    .await?;
    let answer = invitation.map(|invitation| BeatAnswer { invitation });
    let frame = match change {
        Change::Online { visitor } => ServerFrame::VisitorOnline { visitor },
        Change::Page { visitor } => ServerFrame::VisitorPage { visitor },
        Change::Same => return Ok(answer),
    };
    let (after, workspace_id) = (state.clone(), workspace_id);
    state
        .after_response(async move { sockets::publish(&after, &workspace_id, &frame).await })
        .await;
    Ok(answer)
}

/// `POST /v1/visitors/{visitor_id}/invite`, by any agent: `visitor_id` as the online
/// list names them (`visitor_…` or a browser's `pv_…`). VISITOR-001 for one never
/// seen, VISITOR-004 for one not on the site now, VISITOR-003 for one already in an
/// open chat; nothing is stored then.
pub async fn invite(
    state: &AppState,
    caller: &Caller,
    visitor_id: String,
    body: InviteRequest,
) -> Result<VisitorInvitation, ApiError> {
    if !is_presence_id(&visitor_id) && shared_types::ids::VisitorId::parse(&visitor_id).is_err() {
        return Err(ErrorCode::VisitorNotFound.into());
    }
    let now = time::now();
    let invited: Invited = ask(
        state,
        &caller.workspace_id,
        &Request::Presence(PresenceOp::Invite {
            visitor_id,
            invitation_id: ids::new_id("inv"),
            agent_id: caller.agent_id.clone(),
            agent_name: caller.agent_name.clone(),
            text: body.text.as_str().to_string(),
            now: time::format(now),
            expires_at: time::format(now + chrono::Duration::minutes(INVITATION_WAITS_MINUTES)),
        }),
    )
    .await?;
    match invited {
        Invited::Sent { invitation } => Ok(invitation),
        Invited::Unknown => Err(ErrorCode::VisitorNotFound.into()),
        Invited::Offline => Err(ErrorCode::VisitorOffline.into()),
        Invited::Chatting => Err(ErrorCode::VisitorInChat.into()),
    }
}

/// `GET /v1/visitors/online`: newest activity first, at most 500.
pub async fn online(state: &AppState, caller: &Caller) -> Result<Vec<OnlineVisitor>, ApiError> {
    ask(
        state,
        &caller.workspace_id,
        &Request::Presence(PresenceOp::Online { limit: 500 }),
    )
    .await
}

/// The SQL, run inside the workspace's object.
pub mod object {
    use serde::Deserialize;
    use shared_types::notes::NoteAuthor;
    use shared_types::presence::{OnlineVisitor, ShownInvitation, VisitorInvitation};
    use worker::SqlStorage;

    use super::{Beaten, Change, Invited};
    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::PresenceOp;
    use crate::objects::workspace::sql::{earliest, rows, run};

    const ONLINE: &str = "SELECT COALESCE(l.visitor_id, l.presence_id) AS visitor_id,
            v.name, v.email, l.page_url, l.page_title, l.referrer, l.country, l.device,
            l.online_since, l.last_seen_at, l.pages AS pages_this_session,
            l.visits > 1 AS `returning`,
            (SELECT c.id FROM chats c WHERE c.visitor_id = l.visitor_id AND c.status <> 'closed'
              ORDER BY c.last_activity_at DESC LIMIT 1) AS chat_id
       FROM live_visitors l LEFT JOIN visitors v ON v.id = l.visitor_id";

    /// Offline rows are kept this many days, so a return is known.
    const KEEP_DAYS: i64 = 90;

    pub fn handle(sql: &SqlStorage, op: PresenceOp) -> Result<String, ApiError> {
        match op {
            PresenceOp::Beat {
                workspace_id,
                presence_id,
                visitor_id,
                view,
                page_url,
                page_title,
                referrer,
                country,
                device,
                now,
                offline_at,
            } => {
                run(
                    sql,
                    "INSERT INTO object_identity (id, workspace_id) VALUES (1, ?1)
                     ON CONFLICT (id) DO NOTHING",
                    vec![workspace_id.into()],
                )?;
                #[derive(Deserialize)]
                struct Row {
                    online: i64,
                }
                let found: Vec<Row> = rows(
                    sql,
                    "SELECT online FROM live_visitors WHERE presence_id = ?",
                    vec![presence_id.as_str().into()],
                )?;
                let page = |sets: &str| {
                    run(
                        sql,
                        &format!(
                            "UPDATE live_visitors SET {sets}, last_seen_at = ?2, offline_at = ?3,
                                    visitor_id = COALESCE(?4, visitor_id),
                                    country = COALESCE(?5, country), device = COALESCE(?6, device)
                              WHERE presence_id = ?1"
                        ),
                        vec![
                            presence_id.as_str().into(),
                            now.as_str().into(),
                            offline_at.as_str().into(),
                            visitor_id.clone().into(),
                            country.clone().into(),
                            device.clone().into(),
                            page_url.as_str().into(),
                            page_title.clone().into(),
                            referrer.clone().into(),
                        ],
                    )
                };
                let change = match found.first() {
                    None => {
                        run(
                            sql,
                            "INSERT INTO live_visitors (presence_id, visitor_id, page_url,
                                    page_title, referrer, country, device, first_seen_at,
                                    online_since, last_seen_at, offline_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?8, ?9)",
                            vec![
                                presence_id.as_str().into(),
                                visitor_id.clone().into(),
                                page_url.as_str().into(),
                                page_title.clone().into(),
                                referrer.clone().into(),
                                country.clone().into(),
                                device.clone().into(),
                                now.as_str().into(),
                                offline_at.as_str().into(),
                            ],
                        )?;
                        "online"
                    }
                    Some(r) if r.online == 0 => {
                        page(
                            "online = 1, online_since = ?2, visits = visits + 1, pages = 1,
                              page_url = ?7, page_title = ?8, referrer = ?9",
                        )?;
                        "online"
                    }
                    Some(_) if view => {
                        page(
                            "pages = pages + 1, page_url = ?7, page_title = ?8,
                              referrer = COALESCE(?9, referrer)",
                        )?;
                        "page"
                    }
                    Some(_) => {
                        page(
                            "online = 1, page_url = ?7, page_title = COALESCE(?8, page_title),
                              referrer = COALESCE(?9, referrer)",
                        )?;
                        "same"
                    }
                };
                let visitor = || -> Result<OnlineVisitor, ApiError> {
                    rows::<OnlineVisitor>(
                        sql,
                        &format!("{ONLINE} WHERE l.presence_id = ?"),
                        vec![presence_id.as_str().into()],
                    )?
                    .into_iter()
                    .next()
                    .ok_or_else(|| ApiError::internal("a beat's row is gone"))
                };
                let change = match change {
                    "online" => Change::Online {
                        visitor: visitor()?,
                    },
                    "page" => Change::Page {
                        visitor: visitor()?,
                    },
                    _ => Change::Same,
                };
                let invitation = deliver(sql, &presence_id, &now)?;
                answer(Beaten { change, invitation })
            }
            PresenceOp::Invite {
                visitor_id,
                invitation_id,
                agent_id,
                agent_name,
                text,
                now,
                expires_at,
            } => answer(invite(
                sql,
                &visitor_id,
                VisitorInvitation {
                    id: invitation_id,
                    visitor_id: visitor_id.clone(),
                    text,
                    author: NoteAuthor {
                        id: agent_id,
                        name: agent_name,
                    },
                    created_at: now,
                    expires_at,
                },
            )?),
            PresenceOp::Online { limit } => answer(rows::<OnlineVisitor>(
                sql,
                &format!("{ONLINE} WHERE l.online = 1 ORDER BY l.last_seen_at DESC LIMIT ?"),
                vec![i64::from(limit).into()],
            )?),
        }
    }

    /// The invitation for the visitor or browser named `visitor_id`, if they are on the
    /// site and not in an open chat: their most recently seen browser gets it, in place
    /// of one it has not been given yet.
    fn invite(
        sql: &SqlStorage,
        visitor_id: &str,
        invitation: VisitorInvitation,
    ) -> Result<Invited, ApiError> {
        #[derive(Deserialize)]
        struct Found {
            presence_id: String,
            online: i64,
            chatting: i64,
        }
        let found: Vec<Found> = rows(
            sql,
            "SELECT l.presence_id, l.online,
                    EXISTS (SELECT 1 FROM chats c WHERE c.visitor_id = l.visitor_id
                                                    AND c.status <> 'closed') AS chatting
               FROM live_visitors l
              WHERE l.presence_id = ?1 OR l.visitor_id = ?1
              ORDER BY l.online DESC, l.last_seen_at DESC LIMIT 1",
            vec![visitor_id.into()],
        )?;
        let Some(found) = found.into_iter().next() else {
            // A visitor with a session whose browser never beat is known, not here.
            #[derive(Deserialize)]
            struct Known {
                #[allow(dead_code)]
                id: String,
            }
            let known: Vec<Known> = rows(
                sql,
                "SELECT id FROM visitors WHERE id = ?",
                vec![visitor_id.into()],
            )?;
            return Ok(if known.is_empty() {
                Invited::Unknown
            } else {
                Invited::Offline
            });
        };
        if found.online == 0 {
            return Ok(Invited::Offline);
        }
        if found.chatting != 0 {
            return Ok(Invited::Chatting);
        }
        run(
            sql,
            "DELETE FROM invitations WHERE presence_id = ?1 AND delivered_at IS NULL",
            vec![found.presence_id.as_str().into()],
        )?;
        run(
            sql,
            "INSERT INTO invitations (id, presence_id, visitor_id, agent_id, agent_name, text,
                                      created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            vec![
                invitation.id.as_str().into(),
                found.presence_id.as_str().into(),
                visitor_id.into(),
                invitation.author.id.as_str().into(),
                invitation.author.name.as_str().into(),
                invitation.text.as_str().into(),
                invitation.created_at.as_str().into(),
                invitation.expires_at.as_str().into(),
            ],
        )?;
        Ok(Invited::Sent { invitation })
    }

    /// The browser's waiting invitation, marked delivered: a beat hands it out once.
    fn deliver(
        sql: &SqlStorage,
        presence_id: &str,
        now: &str,
    ) -> Result<Option<ShownInvitation>, ApiError> {
        Ok(rows::<ShownInvitation>(
            sql,
            "UPDATE invitations SET delivered_at = ?2
              WHERE presence_id = ?1 AND delivered_at IS NULL AND expires_at > ?2
             RETURNING id, text, agent_name",
            vec![presence_id.into(), now.into()],
        )?
        .into_iter()
        .next())
    }

    /// Makes the answered invitation the first message of the new chat `chat_id`, by
    /// the agent who sent it, and gives the chat to that agent while they are online
    /// (otherwise it waits for assignment like any other); true when it went to them.
    /// An invitation that is unknown, already answered or more than a day old changes
    /// nothing.
    pub fn open_with_invitation(
        sql: &SqlStorage,
        invitation_id: &str,
        chat_id: &str,
        now: &str,
    ) -> Result<bool, ApiError> {
        let oldest = crate::domain::time::parse(now)
            .map(|t| {
                crate::domain::time::format(
                    t - chrono::Duration::hours(
                        shared_types::presence::INVITATION_ANSWERABLE_HOURS,
                    ),
                )
            })
            .unwrap_or_default();
        #[derive(Deserialize)]
        struct Used {
            agent_id: String,
            agent_name: String,
            text: String,
            online: i64,
        }
        let used: Vec<Used> = rows(
            sql,
            "UPDATE invitations SET chat_id = ?2
              WHERE id = ?1 AND chat_id IS NULL AND delivered_at IS NOT NULL
                AND created_at > ?3
             RETURNING agent_id, agent_name, text,
                       EXISTS (SELECT 1 FROM agent_presence p
                                WHERE p.agent_id = invitations.agent_id AND p.online = 1)
                       AS online",
            vec![invitation_id.into(), chat_id.into(), oldest.into()],
        )?;
        let Some(used) = used.into_iter().next() else {
            return Ok(false);
        };
        // Seq 1, before the visitor's answer. Not counted as the agents' first
        // response: the clock of that starts with the visitor's message.
        run(
            sql,
            "INSERT INTO messages (chat_id, seq, id, sender_type, sender_id, sender_name, text,
                                   attachments, created_at)
             VALUES (?1, 1, ?2, 'agent', ?3, ?4, ?5, '[]', ?6)",
            vec![
                chat_id.into(),
                shared_types::ids::MessageId::with_suffix(&crate::domain::ids::suffix())
                    .as_str()
                    .into(),
                used.agent_id.as_str().into(),
                used.agent_name.as_str().into(),
                used.text.as_str().into(),
                now.into(),
            ],
        )?;
        run(
            sql,
            "UPDATE chats SET last_seq = 1,
                    assigned_to = CASE WHEN ?2 THEN ?3 ELSE assigned_to END,
                    status = CASE WHEN ?2 THEN 'assigned' ELSE status END
              WHERE id = ?1",
            vec![
                chat_id.into(),
                crate::objects::workspace::sql::flag(used.online != 0),
                used.agent_id.as_str().into(),
            ],
        )?;
        Ok(used.online != 0)
    }

    /// When the first online visitor is due to go offline.
    pub fn next_offline(
        sql: &SqlStorage,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
        earliest(
            sql,
            "SELECT MIN(offline_at) AS at FROM live_visitors WHERE online = 1",
        )
    }

    /// Turns offline whoever is past their `offline_at` (and forgets browsers gone for
    /// months): the workspace and the ids the feed knew them by.
    pub fn take_offline(
        sql: &SqlStorage,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(Option<String>, Vec<String>), ApiError> {
        #[derive(Deserialize)]
        struct Gone {
            visitor_id: String,
        }
        let stamp = crate::domain::time::format(now);
        let gone: Vec<Gone> = rows(
            sql,
            "UPDATE live_visitors SET online = 0
              WHERE online = 1 AND offline_at <= ?1
             RETURNING COALESCE(visitor_id, presence_id) AS visitor_id",
            vec![stamp.into()],
        )?;
        let forget = crate::domain::time::format(now - chrono::Duration::days(KEEP_DAYS));
        run(
            sql,
            "DELETE FROM live_visitors WHERE online = 0 AND last_seen_at < ?1",
            vec![forget.as_str().into()],
        )?;
        // An invitation is answerable for a day; after that it is only clutter.
        let stale = crate::domain::time::format(
            now - chrono::Duration::hours(shared_types::presence::INVITATION_ANSWERABLE_HOURS),
        );
        run(
            sql,
            "DELETE FROM invitations WHERE created_at < ?1",
            vec![stale.into()],
        )?;
        #[derive(Deserialize)]
        struct Identity {
            workspace_id: String,
        }
        let workspace_id = rows::<Identity>(
            sql,
            "SELECT workspace_id FROM object_identity WHERE id = 1",
            vec![],
        )?
        .into_iter()
        .next()
        .map(|i| i.workspace_id);
        Ok((
            workspace_id,
            gone.into_iter().map(|g| g.visitor_id).collect(),
        ))
    }
}

//! Agents: `GET /v1/agents` (the spec), `POST /v1/agents` and `PATCH /v1/agents/{id}`
//! (DESIGN.md). A new agent comes with a one-time invitation to set a console password
//! (shown once); `GET /v1/agents/invitations` says who has not used theirs yet and
//! `POST /v1/agents/{id}/invitation` sends a new one in place of the old. Owners and
//! admins manage the team; only an owner makes or unmakes owners (or re-invites one);
//! an agent may always change its own name and status. Who may invite or remove whom is
//! `domain::authority`.
//!
//! `DELETE /v1/agents/{id}` offboards: the agent is soft-deleted (its messages and
//! analytics keep its name), its keys revoked, its sessions and invitations deleted,
//! their cached copies forgotten, its open chats unassigned (announced as
//! `chat.updated`) and every socket it holds closed. Lowering a role closes the agent's
//! sockets too: they were opened with the old authority.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use shared_types::agents::{Agent, AgentRole, AgentStatus, CreateAgentRequest, UpdateAgentRequest};
use shared_types::auth::{CreatedAgent, Invitation, PendingInvitation, INVITATION_TTL_HOURS};
use shared_types::error::ErrorCode;
use shared_types::ids::AgentId;
use shared_types::DataList;

use crate::auth::Caller;
use crate::domain::{authority, ids, session, socket_bounds, time};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::sockets;
use crate::state::AppState;
use crate::store;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/agents", get(list).post(create))
        .route("/v1/agents/invitations", get(pending))
        .route(
            "/v1/agents/{agent_id}",
            axum::routing::patch(update).delete(remove),
        )
        .route("/v1/agents/{agent_id}/invitation", post(reinvite))
}

#[worker::send]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataList<Agent>>, ApiError> {
    let data = crate::services::agents::list(&state, &caller.workspace_id).await?;
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateAgentRequest>,
) -> Result<(StatusCode, Json<CreatedAgent>), ApiError> {
    caller.require_manager()?;
    // An invitation becomes a session of the new agent: authority never grows.
    if !authority::may_mint_for(caller.role, body.role, false) {
        return Err(ErrorCode::AuthForbidden.into());
    }
    let db = state.db()?;
    if store::agents::email_taken(&db, &caller.workspace_id, body.email.as_str()).await? {
        return Err(ErrorCode::AgentEmailTaken.into());
    }
    let id = AgentId::with_suffix(&ids::suffix());
    let fresh = FreshInvitation::new();
    let (token, now, expires_at) = (fresh.token, fresh.now, fresh.expires_at);
    let invitation = store::invitations::insert(
        &db,
        &session::hash_hex(&token),
        &caller.workspace_id,
        id.as_str(),
        &now,
        &expires_at,
    )?;
    let inserted = store::agents::insert_invited(
        &db,
        &store::agents::NewAgent {
            id: id.as_str(),
            workspace_id: &caller.workspace_id,
            name: body.name.as_str(),
            email: body.email.as_str(),
            role: body.role.as_str(),
            now: &now,
        },
        invitation,
    )
    .await?;
    if !inserted {
        return Err(ErrorCode::AgentEmailTaken.into());
    }
    let url = format!("{}/console/#invite={token}", super::origin(&uri, &headers));
    Ok((
        StatusCode::CREATED,
        Json(CreatedAgent {
            agent: Agent {
                id,
                name: body.name.as_str().to_string(),
                email: body.email.as_str().to_string(),
                role: body.role,
                status: AgentStatus::Offline,
                active_chats: 0,
                total_chats: 0,
                email_notifications: Default::default(),
            },
            invitation: Invitation {
                token,
                url,
                expires_at,
            },
        }),
    ))
}

#[worker::send]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(agent_id): Path<String>,
    ApiJson(patch): ApiJson<UpdateAgentRequest>,
) -> Result<Json<Agent>, ApiError> {
    let db = state.db()?;
    let agent_id = AgentId::parse(&agent_id).map_err(|_| ErrorCode::AgentNotFound)?;
    let current = store::agents::get(&db, &caller.workspace_id, agent_id.as_str())
        .await?
        .ok_or(ErrorCode::AgentNotFound)?;
    let is_self = current.id.as_str() == caller.agent_id;
    let role = patch.role.unwrap_or(current.role);
    let changes_role = role != current.role;
    let touches_other =
        patch.name.is_some() || patch.status.is_some() || patch.email_notifications.is_some();
    if (!is_self && touches_other) || changes_role {
        caller.require_manager()?;
    }
    let touches_owner =
        changes_role && (role == AgentRole::Owner || current.role == AgentRole::Owner);
    if touches_owner && caller.role != AgentRole::Owner {
        return Err(ErrorCode::AuthForbidden.into());
    }
    let name = patch.name.map_or(current.name, |n| n.as_str().to_string());
    let status = patch.status.unwrap_or(current.status);
    let notifications = patch
        .email_notifications
        .unwrap_or(current.email_notifications);
    let updated = store::agents::update(
        &db,
        &caller.workspace_id,
        agent_id.as_str(),
        &store::agents::AgentUpdate {
            name: &name,
            role: role.as_str(),
            status: status.as_str(),
            email_notifications: notifications.as_str(),
            now: &time::now_rfc3339(),
        },
    )
    .await?;
    if !updated {
        return Err(ErrorCode::LastOwner.into());
    }
    // Keys and sessions carry the agent's name and role in their cached copies.
    crate::cache::forget_agent(&state, agent_id.as_str()).await?;
    if authority::lowers(current.role, role) {
        sockets::close_sockets(
            &state,
            &caller.workspace_id,
            vec![socket_bounds::agent_tag(agent_id.as_str())],
            "role lowered",
        )
        .await;
    }
    crate::services::agents::get(&state, &caller.workspace_id, agent_id.as_str())
        .await?
        .map(Json)
        .ok_or_else(|| ErrorCode::AgentNotFound.into())
}

/// A new invitation's secret and times (the caller stores only the secret's hash).
struct FreshInvitation {
    token: String,
    now: String,
    expires_at: String,
}

impl FreshInvitation {
    fn new() -> Self {
        let now = time::now();
        FreshInvitation {
            token: session::new_invitation_token(),
            expires_at: time::format(now + chrono::Duration::hours(INVITATION_TTL_HOURS)),
            now: time::format(now),
        }
    }
}

/// The agents who have not set a password yet.
#[worker::send]
async fn pending(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataList<PendingInvitation>>, ApiError> {
    caller.require_manager()?;
    let data = store::invitations::pending(&state.db()?, &caller.workspace_id).await?;
    Ok(Json(DataList { data }))
}

/// A new one-time link for an agent who has not set a password; the old link stops
/// working. An agent with a password is AGENT-004: a link would let whoever holds it
/// take over a working account.
#[worker::send]
async fn reinvite(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    Path(agent_id): Path<String>,
) -> Result<(StatusCode, Json<Invitation>), ApiError> {
    caller.require_manager()?;
    let db = state.db()?;
    let agent_id = AgentId::parse(&agent_id).map_err(|_| ErrorCode::AgentNotFound)?;
    let agent = store::agents::get(&db, &caller.workspace_id, agent_id.as_str())
        .await?
        .ok_or(ErrorCode::AgentNotFound)?;
    let is_self = agent.id.as_str() == caller.agent_id;
    if !authority::may_mint_for(caller.role, agent.role, is_self) {
        return Err(ErrorCode::AuthForbidden.into());
    }
    let fresh = FreshInvitation::new();
    let replaced = store::invitations::replace(
        &db,
        &session::hash_hex(&fresh.token),
        &caller.workspace_id,
        agent_id.as_str(),
        &fresh.now,
        &fresh.expires_at,
    )
    .await?;
    if !replaced {
        return Err(ErrorCode::AgentAlreadyJoined.into());
    }
    let url = format!(
        "{}/console/#invite={}",
        super::origin(&uri, &headers),
        fresh.token
    );
    Ok((
        StatusCode::CREATED,
        Json(Invitation {
            token: fresh.token,
            url,
            expires_at: fresh.expires_at,
        }),
    ))
}

/// Offboards an agent: 204; AUTH-006 when the caller's role may not remove the agent's,
/// AGENT-003 for the workspace's last owner, AGENT-001 for an agent it does not have.
#[worker::send]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(agent_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let db = state.db()?;
    let agent_id = AgentId::parse(&agent_id).map_err(|_| ErrorCode::AgentNotFound)?;
    let agent = store::agents::get(&db, &caller.workspace_id, agent_id.as_str())
        .await?
        .ok_or(ErrorCode::AgentNotFound)?;
    if !authority::may_remove(caller.role, agent.role) {
        return Err(ErrorCode::AuthForbidden.into());
    }
    // Read first: the removal revokes and deletes the rows that name the copies.
    let hashes = store::agents::credential_hashes(&db, agent_id.as_str()).await?;
    let removal = store::agents::remove(
        &db,
        &caller.workspace_id,
        agent_id.as_str(),
        &time::now_rfc3339(),
    )
    .await?;
    if !removal.removed {
        return Err(match agent.role {
            AgentRole::Owner => ErrorCode::LastOwner.into(),
            // Removed meanwhile by another request.
            _ => ErrorCode::AgentNotFound.into(),
        });
    }
    crate::cache::forget_credentials(&state, &hashes).await?;
    sockets::close_sockets(
        &state,
        &caller.workspace_id,
        vec![socket_bounds::agent_tag(agent_id.as_str())],
        "agent removed",
    )
    .await;
    for chat in
        crate::services::chats::unassign_all(&state, &caller.workspace_id, agent_id.as_str())
            .await?
    {
        sockets::announce_chat(&state, &caller.workspace_id, chat).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

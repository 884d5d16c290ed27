//! Agents as the API shows them, and the team's rules: the directory's rows (agents
//! live in D1, which sign-in needs before any workspace is known) with their chat
//! counts, which live with the chats in the workspace's object.
//!
//! A new agent comes with a one-time invitation to set a console password (shown once);
//! a new link replaces the old. Owners and admins manage the team; only an owner makes
//! or unmakes owners (or re-invites one); an agent may always change its own name,
//! status and mail preference. Who may invite or remove whom is `domain::authority`.
//!
//! Removing an agent offboards it: soft-deleted (its messages and analytics keep its
//! name), its keys revoked, its sessions and invitations deleted, their cached copies
//! forgotten, its open chats unassigned (announced as `chat.updated`) and every socket
//! it holds closed. Lowering a role closes the agent's sockets too: they were opened
//! with the old authority.

use shared_types::agents::{Agent, AgentRole, AgentStatus, CreateAgentRequest, UpdateAgentRequest};
use shared_types::auth::{CreatedAgent, Invitation, PendingInvitation, INVITATION_TTL_HOURS};
use shared_types::error::ErrorCode;
use shared_types::ids::AgentId;

use crate::auth::Caller;
use crate::domain::{authority, ids, session, socket_bounds, time};
use crate::error::ApiError;
use crate::objects::workspace::client::WorkspaceDb;
use crate::objects::workspace::protocol::{AgentChats, ChatOp, Request};
use crate::services::sockets;
use crate::state::AppState;
use crate::store;

/// Every agent of the workspace, oldest first, with their counts.
pub async fn list(state: &AppState, workspace_id: &str) -> Result<Vec<Agent>, ApiError> {
    let agents = store::agents::list(&state.db()?, workspace_id).await?;
    counted(state, workspace_id, agents).await
}

/// One agent of the workspace with its counts; a removed agent is none.
pub async fn get(
    state: &AppState,
    workspace_id: &str,
    agent_id: &str,
) -> Result<Option<Agent>, ApiError> {
    match store::agents::get(&state.db()?, workspace_id, agent_id).await? {
        Some(agent) => Ok(counted(state, workspace_id, vec![agent]).await?.pop()),
        None => Ok(None),
    }
}

/// `agents` with the counts of their chats filled in.
async fn counted(
    state: &AppState,
    workspace_id: &str,
    mut agents: Vec<Agent>,
) -> Result<Vec<Agent>, ApiError> {
    if agents.is_empty() {
        return Ok(agents);
    }
    let counts: Vec<AgentChats> = WorkspaceDb::of(state, workspace_id)?
        .call(&Request::Chats(ChatOp::AgentCounts))
        .await?;
    for agent in &mut agents {
        if let Some(c) = counts.iter().find(|c| c.agent_id == agent.id.as_str()) {
            agent.active_chats = c.active_chats;
            agent.total_chats = c.total_chats;
        }
    }
    Ok(agents)
}

/// Invites a new agent (owners and admins, never above their own role): the agent and
/// its one-time link, made on `origin`.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    origin: &str,
    body: CreateAgentRequest,
) -> Result<CreatedAgent, ApiError> {
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
    let url = format!("{origin}/console/#invite={token}");
    Ok(CreatedAgent {
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
    })
}

/// Changes an agent; see the module's rules.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    patch: UpdateAgentRequest,
) -> Result<Agent, ApiError> {
    let db = state.db()?;
    let agent_id = AgentId::parse(raw_id).map_err(|_| ErrorCode::AgentNotFound)?;
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
    crate::cache::forget_agent(state, agent_id.as_str()).await?;
    if status != current.status {
        // Only an online agent is given chats; one who went away keeps theirs.
        let online = status == AgentStatus::Online;
        let given = crate::services::assignment::presence(
            state,
            &caller.workspace_id,
            agent_id.as_str(),
            online,
        )
        .await?;
        crate::services::assignment::announce(state, &caller.workspace_id, given).await;
    }
    if authority::lowers(current.role, role) {
        sockets::close_sockets(
            state,
            &caller.workspace_id,
            vec![socket_bounds::agent_tag(agent_id.as_str())],
            "role lowered",
        )
        .await;
    }
    get(state, &caller.workspace_id, agent_id.as_str())
        .await?
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
pub async fn pending(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<PendingInvitation>, ApiError> {
    caller.require_manager()?;
    store::invitations::pending(&state.db()?, &caller.workspace_id).await
}

/// A new one-time link for an agent who has not set a password; the old link stops
/// working. An agent with a password is AGENT-004: a link would let whoever holds it
/// take over a working account.
pub async fn reinvite(
    state: &AppState,
    caller: &Caller,
    origin: &str,
    raw_id: &str,
) -> Result<Invitation, ApiError> {
    caller.require_manager()?;
    let db = state.db()?;
    let agent_id = AgentId::parse(raw_id).map_err(|_| ErrorCode::AgentNotFound)?;
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
    let url = format!("{origin}/console/#invite={}", fresh.token);
    Ok(Invitation {
        token: fresh.token,
        url,
        expires_at: fresh.expires_at,
    })
}

/// Offboards an agent: AUTH-006 when the caller's role may not remove the agent's,
/// AGENT-003 for the workspace's last owner, AGENT-001 for an agent it does not have.
pub async fn remove(state: &AppState, caller: &Caller, raw_id: &str) -> Result<(), ApiError> {
    let db = state.db()?;
    let agent_id = AgentId::parse(raw_id).map_err(|_| ErrorCode::AgentNotFound)?;
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
    crate::cache::forget_credentials(state, &hashes).await?;
    // Nothing more is given to them, before their chats go back to the queue.
    crate::services::assignment::presence(state, &caller.workspace_id, agent_id.as_str(), false)
        .await?;
    sockets::close_sockets(
        state,
        &caller.workspace_id,
        vec![socket_bounds::agent_tag(agent_id.as_str())],
        "agent removed",
    )
    .await;
    for chat in
        crate::services::chats::unassign_all(state, &caller.workspace_id, agent_id.as_str()).await?
    {
        sockets::announce_chat(state, &caller.workspace_id, chat).await;
    }
    // With automatic assignment, what they held goes to whoever has room now.
    crate::services::assignment::give_out_now(state, &caller.workspace_id).await
}

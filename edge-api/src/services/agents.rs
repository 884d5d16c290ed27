//! Agents as the API shows them: the directory's rows (agents live in D1, which sign-in
//! needs before any workspace is known) with their chat counts, which live with the
//! chats in the workspace's object.

use shared_types::agents::Agent;

use crate::error::ApiError;
use crate::objects::workspace::client::WorkspaceDb;
use crate::objects::workspace::protocol::{AgentChats, ChatOp, Request};
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

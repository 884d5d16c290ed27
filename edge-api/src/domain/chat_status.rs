//! How a chat's status and assignee may change (`PATCH /chats/{id}`).
//!
//! - `active`: open, nobody assigned; `assigned`: open, an agent owns it; `closed`.
//! - Assigning an open chat makes it `assigned`; clearing the assignee of an assigned
//!   chat makes it `active` again, unless the same request says otherwise.
//! - `assigned` needs an assignee; `active` must not keep one.
//! - Leaving `closed` is a reopening (counted); entering it sets the resolution time.

use shared_types::chats::ChatStatus;
use shared_types::error::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatState {
    pub status: ChatStatus,
    pub assigned_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub next: ChatState,
    /// The chat left `closed`.
    pub reopened: bool,
    /// The chat entered `closed`.
    pub closed: bool,
}

/// The state after a patch of `status` and/or `assigned_to` (`Some(None)` clears it), or
/// CHAT-002 when the result would be inconsistent.
pub fn apply(
    current: &ChatState,
    status: Option<ChatStatus>,
    assigned_to: Option<Option<String>>,
) -> Result<Transition, ErrorCode> {
    let assignee = match &assigned_to {
        Some(new) => new.clone(),
        None => current.assigned_to.clone(),
    };
    let target = status.unwrap_or(match (&assigned_to, current.status) {
        (_, ChatStatus::Closed) => ChatStatus::Closed,
        (Some(Some(_)), _) => ChatStatus::Assigned,
        (Some(None), ChatStatus::Assigned) => ChatStatus::Active,
        _ => current.status,
    });
    let consistent = match target {
        ChatStatus::Assigned => assignee.is_some(),
        ChatStatus::Active => assignee.is_none(),
        ChatStatus::Closed => true,
    };
    if !consistent {
        return Err(ErrorCode::InvalidStatusTransition);
    }
    let was_closed = current.status == ChatStatus::Closed;
    let is_closed = target == ChatStatus::Closed;
    Ok(Transition {
        next: ChatState {
            status: target,
            assigned_to: assignee,
        },
        reopened: was_closed && !is_closed,
        closed: !was_closed && is_closed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChatStatus::*;

    fn state(status: ChatStatus, agent: Option<&str>) -> ChatState {
        ChatState {
            status,
            assigned_to: agent.map(String::from),
        }
    }

    fn agent(id: &str) -> Option<Option<String>> {
        Some(Some(id.to_string()))
    }

    #[test]
    fn assigning_an_open_chat_makes_it_assigned() {
        let t = apply(&state(Active, None), None, agent("agent_a")).unwrap();
        assert_eq!(t.next, state(Assigned, Some("agent_a")));
        assert!(!t.reopened && !t.closed);
        let t = apply(&state(Assigned, Some("agent_a")), None, agent("agent_b")).unwrap();
        assert_eq!(t.next, state(Assigned, Some("agent_b")));
    }

    #[test]
    fn clearing_the_assignee_makes_it_active() {
        let t = apply(&state(Assigned, Some("agent_a")), None, Some(None)).unwrap();
        assert_eq!(t.next, state(Active, None));
    }

    #[test]
    fn assigned_needs_an_assignee_and_active_refuses_one() {
        assert_eq!(
            apply(&state(Active, None), Some(Assigned), None),
            Err(ErrorCode::InvalidStatusTransition)
        );
        assert_eq!(
            apply(&state(Assigned, Some("agent_a")), Some(Active), None),
            Err(ErrorCode::InvalidStatusTransition)
        );
        let t = apply(&state(Assigned, Some("agent_a")), Some(Active), Some(None)).unwrap();
        assert_eq!(t.next, state(Active, None));
    }

    #[test]
    fn closing_from_any_open_state_sets_closed() {
        for s in [state(Active, None), state(Assigned, Some("agent_a"))] {
            let t = apply(&s, Some(Closed), None).unwrap();
            assert!(t.closed && !t.reopened);
            assert_eq!(t.next.status, Closed);
            assert_eq!(t.next.assigned_to, s.assigned_to);
        }
    }

    #[test]
    fn leaving_closed_is_a_reopening() {
        let closed = state(Closed, Some("agent_a"));
        let t = apply(&closed, Some(Assigned), None).unwrap();
        assert!(t.reopened && !t.closed);
        let t = apply(&state(Closed, None), Some(Active), None).unwrap();
        assert!(t.reopened);
        assert_eq!(
            apply(&state(Closed, None), Some(Assigned), None),
            Err(ErrorCode::InvalidStatusTransition)
        );
    }

    #[test]
    fn reassigning_a_closed_chat_keeps_it_closed() {
        let t = apply(&state(Closed, Some("agent_a")), None, agent("agent_b")).unwrap();
        assert_eq!(t.next, state(Closed, Some("agent_b")));
        assert!(!t.reopened && !t.closed);
    }

    #[test]
    fn closing_again_is_not_a_new_resolution() {
        let t = apply(&state(Closed, None), Some(Closed), None).unwrap();
        assert!(!t.closed && !t.reopened);
    }
}

//! What may happen to a chat beyond its status and assignee (those are
//! [`super::chat_status`]): who may write into a closed chat, when it can be rated,
//! which tags it keeps, and what its visitor sees of it.
//!
//! - An agent's message never reopens a chat: agents reopen explicitly (PATCH), so a
//!   stray reply cannot undo a resolution. The chat's room refuses it (CHAT-003) in the
//!   same write that would store it.
//! - A visitor writing into a closed chat reopens it, as in Intercom and Crisp: the
//!   conversation continues rather than starting over.
//! - A chat is rated by its visitor once, and only when closed.
//! - Tags are kept once each, in the order first given, at most [`MAX_TAGS`].

use shared_types::chats::{ChatDetail, ChatStatus, SenderType};
use shared_types::error::{ErrorCode, FieldErrors};

use super::unique;

/// The most tags a chat carries.
pub const MAX_TAGS: usize = 20;

/// Whether `author`'s message must be refused (CHAT-003) when the chat is closed, rather
/// than reopening it.
pub fn closed_refuses(author: SenderType) -> bool {
    author == SenderType::Agent
}

/// Whether `author`'s message into a chat at `status` reopens it.
pub fn message_reopens(author: SenderType, status: ChatStatus) -> bool {
    status == ChatStatus::Closed && !closed_refuses(author)
}

/// CHAT-005 unless the chat is closed, CHAT-004 when it was rated already.
pub fn check_rating(status: ChatStatus, already_rated: bool) -> Result<(), ErrorCode> {
    if status != ChatStatus::Closed {
        return Err(ErrorCode::ChatNotClosed);
    }
    if already_rated {
        return Err(ErrorCode::AlreadyRated);
    }
    Ok(())
}

/// The tags a chat keeps from `given`: each once, in the order first given. A field
/// error naming `tags` when more than [`MAX_TAGS`] remain.
pub fn tags(given: Vec<String>) -> Result<Vec<String>, FieldErrors> {
    let tags = unique::first_occurrences(given);
    if tags.len() > MAX_TAGS {
        let mut fields = FieldErrors::default();
        fields.push("tags", format!("at most {MAX_TAGS} tags"));
        return Err(fields);
    }
    Ok(tags)
}

/// The chat as its visitor sees it: agents' tags and notes are theirs, not the visitor's.
pub fn visitor_view(mut chat: ChatDetail) -> ChatDetail {
    chat.tags.clear();
    chat.notes = None;
    chat
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChatStatus::*;

    #[test]
    fn only_a_visitor_reopens_a_closed_chat_by_writing() {
        assert!(message_reopens(SenderType::Visitor, Closed));
        assert!(!message_reopens(SenderType::Agent, Closed));
        for open in [Active, Assigned] {
            assert!(!message_reopens(SenderType::Visitor, open));
            assert!(!message_reopens(SenderType::Agent, open));
        }
        assert!(closed_refuses(SenderType::Agent));
        assert!(!closed_refuses(SenderType::Visitor));
    }

    #[test]
    fn a_chat_is_rated_once_and_only_when_closed() {
        assert_eq!(check_rating(Closed, false), Ok(()));
        assert_eq!(check_rating(Closed, true), Err(ErrorCode::AlreadyRated));
        assert_eq!(check_rating(Active, false), Err(ErrorCode::ChatNotClosed));
        assert_eq!(check_rating(Assigned, true), Err(ErrorCode::ChatNotClosed));
    }

    #[test]
    fn tags_keep_their_first_occurrence_in_order() {
        let given = ["vip", "x", "vip"].map(String::from).to_vec();
        assert_eq!(tags(given).unwrap(), ["vip", "x"]);
    }

    #[test]
    fn repeats_do_not_count_against_the_limit_but_distinct_tags_do() {
        let repeated: Vec<String> = (0..MAX_TAGS * 2)
            .map(|i| format!("t{}", i % MAX_TAGS))
            .collect();
        assert_eq!(tags(repeated).unwrap().len(), MAX_TAGS);
        let many: Vec<String> = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
        let refused = tags(many).unwrap_err();
        assert!(!refused.is_empty());
    }
}

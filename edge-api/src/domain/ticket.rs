//! Realtime tickets: a browser cannot put an API key on a WebSocket, so an agent's page
//! first trades its credentials for a ticket (60 s, one use) and connects with
//! `?ticket=`. A ticket is signed text; its nonce is what makes it single-use.

use super::token::{sign, verify};

const TAG: &str = "rt2";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketClaims {
    pub workspace_id: String,
    pub agent_id: String,
    /// Unix seconds.
    pub expires_at: i64,
    pub nonce: String,
    /// The credential that asked for the ticket (`key:<hash>`, `session:<hash>`): the
    /// socket is tagged with it, so revoking that credential closes the socket too.
    pub credential: String,
}

/// `rt2.<workspace_id>.<agent_id>.<expires_at>.<nonce>.<credential>.<signature>`.
pub fn issue(secret: &[u8], claims: &TicketClaims) -> String {
    let body = format!(
        "{TAG}.{}.{}.{}.{}.{}",
        claims.workspace_id, claims.agent_id, claims.expires_at, claims.nonce, claims.credential
    );
    let signature = sign(secret, &body);
    format!("{body}.{signature}")
}

/// The claims of a genuine ticket not expired at `now`; whether it was used already is
/// the caller's question.
pub fn read(secret: &[u8], ticket: &str, now: i64) -> Option<TicketClaims> {
    let (body, signature) = ticket.rsplit_once('.')?;
    if !verify(secret, body, signature) {
        return None;
    }
    let parts: Vec<&str> = body.split('.').collect();
    let [tag, workspace_id, agent_id, expires_at, nonce, credential] = parts.as_slice() else {
        return None;
    };
    let expires_at: i64 = expires_at.parse().ok()?;
    (*tag == TAG && expires_at > now).then(|| TicketClaims {
        workspace_id: workspace_id.to_string(),
        agent_id: agent_id.to_string(),
        expires_at,
        nonce: nonce.to_string(),
        credential: credential.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> TicketClaims {
        TicketClaims {
            workspace_id: "ws_a".into(),
            agent_id: "agent_b".into(),
            expires_at: 100,
            nonce: "n1".into(),
            credential: "key:ab12".into(),
        }
    }

    #[test]
    fn a_ticket_reads_back_until_it_expires() {
        let t = issue(b"s", &claims());
        assert_eq!(read(b"s", &t, 99), Some(claims()));
        assert_eq!(read(b"s", &t, 100), None);
    }

    #[test]
    fn forged_or_visitor_tokens_are_not_tickets() {
        let t = issue(b"s", &claims());
        assert_eq!(read(b"other", &t, 0), None);
        assert_eq!(read(b"s", &t.replace("agent_b", "agent_c"), 0), None);
        // The credential is signed too: a ticket cannot be moved to a live key.
        assert_eq!(read(b"s", &t.replace("key:ab12", "key:cd34"), 0), None);
        let visitor = super::super::token::visitor_token(
            b"s",
            &super::super::token::VisitorClaims {
                workspace_id: "ws_a".into(),
                visitor_id: "visitor_b".into(),
                expires_at: 100,
            },
        );
        assert_eq!(read(b"s", &visitor, 0), None);
    }
}

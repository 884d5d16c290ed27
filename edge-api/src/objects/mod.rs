//! Durable Objects, declared in wrangler.toml with SQLite storage: `ChatRoom` carries a
//! chat's sockets and writes its messages, `Inbox` a workspace's agent feed and
//! presence, `RateLimiter` one rate-limit budget, `Workspace` a workspace's own database.

pub mod chat_room;
pub mod inbox;
pub mod rate_limiter;
pub mod workspace;

/// Completes a closing handshake the client started, echoing its code where a server
/// may send it (1005 and 1006 may not be sent; they become 1000).
fn close_back(ws: &worker::WebSocket, code: usize, reason: String) {
    let code = u16::try_from(code)
        .ok()
        .filter(|c| *c == 1000 || (3000..5000).contains(c));
    // The socket may be gone already; there is no one left to tell.
    let _ = ws.close(code.or(Some(1000)), Some(reason));
}

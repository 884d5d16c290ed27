//! Durable Objects, declared in wrangler.toml with SQLite storage: `ChatRoom` carries a
//! chat's sockets and writes its messages, `Inbox` a workspace's agent feed and
//! presence, `RateLimiter` one rate-limit budget.

pub mod chat_room;
pub mod inbox;
pub mod rate_limiter;

//! Durable Objects, declared in wrangler.toml with SQLite storage: `ChatRoom` carries a
//! chat's sockets, `Inbox` a workspace's agent feed and presence. `RateLimiter` comes
//! with the rate-limit issue (#6); until then it answers 501 so nothing can silently
//! depend on it.

pub mod chat_room;
pub mod inbox;

use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

macro_rules! pending_object {
    ($name:ident, $issue:literal) => {
        #[durable_object]
        pub struct $name {
            _state: State,
        }

        impl DurableObject for $name {
            fn new(state: State, _env: Env) -> Self {
                Self { _state: state }
            }

            async fn fetch(&self, _req: Request) -> Result<Response> {
                Response::error(
                    concat!(stringify!($name), " is built in issue ", $issue),
                    501,
                )
            }
        }
    };
}

pending_object!(RateLimiter, "#6");

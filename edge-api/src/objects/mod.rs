//! Durable Objects, declared in wrangler.toml with SQLite storage. `ChatRoom` carries a
//! chat's sockets. `Inbox` (agents' workspace feed and presence) and `RateLimiter` come
//! with the real-time and rate-limit issues (#5, #6); until then they answer 501 so
//! nothing can silently depend on them.

pub mod chat_room;

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

pending_object!(Inbox, "#5");
pending_object!(RateLimiter, "#6");

//! Pure rules of the service: no Worker bindings, so every one is tested natively with
//! `cargo test -p edge-api`.

pub mod analytics;
pub mod api_key;
pub mod assignment;
pub mod authority;
pub mod bounds;
pub mod browser;
pub mod business_hours;
pub mod cached_caller;
pub mod chat_rules;
pub mod chat_status;
pub mod contact;
pub mod email;
pub mod export;
pub mod identity;
pub mod ids;
pub mod password;
pub mod rate_limit;
pub mod sealed;
pub mod search;
pub mod secret;
pub mod session;
pub mod socket_bounds;
pub mod throttle;
pub mod ticket;
pub mod time;
pub mod token;
pub mod unique;
pub mod upload;
pub mod webhook;
pub mod workspace_schema;

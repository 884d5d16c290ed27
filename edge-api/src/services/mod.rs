//! Services: one module per capability, holding its rules. A route extracts, calls one
//! service function and responds. A service whose data lives in the workspace's own
//! database has two halves: the edge half (bindings, cache, the typed call) and the
//! `object` half, the SQL that runs inside the `Workspace` object.
//!
//! Capabilities move here from `routes/` + `store/` one at a time (docs/ARCHITECTURE.md).

pub mod agents;
pub mod analytics;
pub mod assignment;
pub mod budgets;
pub mod canned;
pub mod chats;
pub mod contacts;
pub mod email;
pub mod files;
pub mod idempotency;
pub mod messages;
pub mod notes;
pub mod presence;
pub mod realtime;
pub mod search;
pub mod settings;
pub mod sockets;
pub mod triggers;
pub mod visitors;
pub mod webhooks;
pub mod widget;
pub mod workspaces;

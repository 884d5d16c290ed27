//! The inbox: chats filtered by status and assignee, kept live by the workspace feed,
//! with the open chat beside them (drawn by the on-demand binary). The state and what
//! may happen to it are `model`; `view` draws it.

mod model;
mod view;

pub use view::Inbox;

//! What the console's two wasm binaries share: the REST client (`api`), the realtime
//! socket that reconnects (`socket`), the words and number formats of the three
//! languages (`i18n`), the inline SVG icons (`icons`), and the contract by which the
//! main console has the on-demand binary draw a tab or the open chat (`on_demand`).
//! Nothing here holds state or a view of its own.
//!
//! The main binary (`console`) is what the sign-in and the inbox's list need; the rest
//! (the open chat, and the tabs most visits never open) is `console-lazy`, fetched once
//! the inbox is painted.

pub mod api;
pub mod i18n;
pub mod icons;
pub mod on_demand;
pub mod socket;

//! Telling an agent who is looking elsewhere that a new chat came in: a short tone, a
//! browser notification (when the agent allowed them), and the unread count in the tab's
//! title.

use web_sys::{AudioContext, Notification, NotificationOptions, NotificationPermission};

/// Asks once for permission to notify; browsers only ask in answer to a click, so the
/// sign-in button calls this.
pub fn ask_permission() {
    if Notification::permission() == NotificationPermission::Default {
        let _ = Notification::request_permission();
    }
}

/// A new chat: a 150 ms tone and, if allowed, a notification saying who wrote.
pub fn new_chat(title: &str, who: &str) {
    if let Ok(ctx) = AudioContext::new() {
        if let Ok(osc) = ctx.create_oscillator() {
            osc.frequency().set_value(880.0);
            let _ = osc.connect_with_audio_node(&ctx.destination());
            let _ = osc.start();
            let _ = osc.stop_with_when(ctx.current_time() + 0.15);
        }
    }
    if Notification::permission() == NotificationPermission::Granted {
        let options = NotificationOptions::new();
        options.set_body(who);
        let _ = Notification::new_with_options(title, &options);
    }
}

/// The tab's title: the unread count first, so it shows in a crowded tab bar.
pub fn title(unread: u32) -> String {
    if unread == 0 {
        "ChatFlow console".to_string()
    } else {
        format!("({unread}) ChatFlow console")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_title_leads_with_the_unread_count() {
        assert_eq!(super::title(0), "ChatFlow console");
        assert_eq!(super::title(3), "(3) ChatFlow console");
    }
}

//! Bounds on realtime sockets, so one token or key cannot hold the workspace's objects
//! open or flood them. A socket over a bound is told why (an `error` frame) and closed
//! with 1008 (policy violation); a connection over the count is refused before the
//! upgrade with 429 RATE-001, since the client can back off and retry then.

/// Open sockets one visitor may hold, across every room of the workspace.
pub const MAX_VISITOR_SOCKETS: usize = 10;

/// Open sockets one agent credential (key or console session) may hold, feed and
/// rooms together, across the workspace.
pub const MAX_AGENT_SOCKETS: usize = 20;

/// The largest frame a client may send, in bytes.
pub const MAX_FRAME_BYTES: usize = 4 * 1024;

/// Frames a socket may send per [`FRAME_WINDOW_MS`].
pub const MAX_FRAMES_PER_WINDOW: u32 = 10;

/// The frame-rate window, in milliseconds.
pub const FRAME_WINDOW_MS: u64 = 1_000;

/// The `Retry-After` of a connection refused over the count: a held socket may close at
/// any moment, so a second is as long as waiting needs to be.
pub const RETRY_AFTER_SECONDS: u32 = 1;

/// The close code for a socket that broke a bound.
pub const CLOSE_POLICY: u16 = 1008;

/// The close code for a socket whose credential was revoked (or whose agent was
/// removed, lowered, or whose visitor was blocked).
pub const CLOSE_REVOKED: u16 = 4001;

/// The socket tag of an agent: every socket it holds, whatever opened it.
pub fn agent_tag(agent_id: &str) -> String {
    format!("agent:{agent_id}")
}

/// The socket tag of a visitor.
pub fn visitor_tag(visitor_id: &str) -> String {
    format!("visitor:{visitor_id}")
}

/// Whether one more socket fits beside `open` under `limit`.
pub fn has_room(open: usize, limit: usize) -> bool {
    open < limit
}

/// A socket's frame count in its current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct FrameWindow {
    /// When the window started (unix ms).
    pub started_ms: u64,
    /// Frames seen in it, this one included.
    pub frames: u32,
}

impl FrameWindow {
    /// The window after a frame at `now_ms`, and whether that frame is within the rate.
    pub fn after_frame(self, now_ms: u64) -> (FrameWindow, bool) {
        let next = if now_ms.saturating_sub(self.started_ms) >= FRAME_WINDOW_MS {
            FrameWindow {
                started_ms: now_ms,
                frames: 1,
            }
        } else {
            FrameWindow {
                started_ms: self.started_ms,
                frames: self.frames.saturating_add(1),
            }
        };
        (next, next.frames <= MAX_FRAMES_PER_WINDOW)
    }
}

/// Whether a frame of `bytes` may be read at all.
pub fn frame_fits(bytes: usize) -> bool {
    bytes <= MAX_FRAME_BYTES
}

/// Whether a read receipt up to `seq` names a message that exists: a receipt beyond the
/// chat's last message would show agents "Seen" for what was never sent.
pub fn read_seq_ok(seq: u64, last_seq: u64) -> bool {
    seq <= last_seq
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenth_visitor_socket_fits_the_eleventh_does_not() {
        assert!(has_room(MAX_VISITOR_SOCKETS - 1, MAX_VISITOR_SOCKETS));
        assert!(!has_room(MAX_VISITOR_SOCKETS, MAX_VISITOR_SOCKETS));
        assert!(has_room(MAX_AGENT_SOCKETS - 1, MAX_AGENT_SOCKETS));
        assert!(!has_room(MAX_AGENT_SOCKETS, MAX_AGENT_SOCKETS));
    }

    #[test]
    fn ten_frames_a_second_pass_the_eleventh_does_not() {
        let mut w = FrameWindow::default().after_frame(5_000).0;
        for _ in 1..MAX_FRAMES_PER_WINDOW {
            let (next, ok) = w.after_frame(5_500);
            assert!(ok);
            w = next;
        }
        assert_eq!(w.frames, MAX_FRAMES_PER_WINDOW);
        assert!(!w.after_frame(5_999).1);
    }

    #[test]
    fn a_new_second_starts_a_new_window() {
        let mut w = FrameWindow {
            started_ms: 1_000,
            frames: MAX_FRAMES_PER_WINDOW,
        };
        let ok;
        (w, ok) = w.after_frame(2_000);
        assert!(ok);
        assert_eq!(
            w,
            FrameWindow {
                started_ms: 2_000,
                frames: 1
            }
        );
    }

    #[test]
    fn agents_and_visitors_have_distinct_tags() {
        assert_eq!(agent_tag("agent_1"), "agent:agent_1");
        assert_eq!(visitor_tag("visitor_1"), "visitor:visitor_1");
    }

    #[test]
    fn frames_up_to_four_kilobytes_fit() {
        assert!(frame_fits(4096));
        assert!(!frame_fits(4097));
    }

    #[test]
    fn a_read_beyond_the_last_message_is_refused() {
        assert!(read_seq_ok(0, 0));
        assert!(read_seq_ok(3, 3));
        assert!(!read_seq_ok(4, 3));
        assert!(!read_seq_ok(u64::MAX, 3));
    }
}

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

/// How long after a claim its room stays recorded whatever the room says. A claim
/// comes just before its socket reaches the room, so in that gap the room holds no
/// socket with the tag yet; a release or a count of zero then must not erase the
/// record, or a revocation would miss the socket being opened. A record kept too long
/// costs one call to an empty room.
pub const CLAIM_GRACE_MS: u64 = 60_000;

/// A room recorded as holding sockets with a tag, and when it was last claimed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RoomClaim {
    pub chat_id: String,
    pub claimed_ms: u64,
}

/// Records `chat_id` under a tag at `now_ms`; false when the record did not change.
pub fn claim(rooms: &mut Vec<RoomClaim>, chat_id: &str, now_ms: u64) -> bool {
    match rooms.iter_mut().find(|r| r.chat_id == chat_id) {
        Some(room) if room.claimed_ms >= now_ms => false,
        Some(room) => {
            room.claimed_ms = now_ms;
            true
        }
        None => {
            rooms.push(RoomClaim {
                chat_id: chat_id.to_string(),
                claimed_ms: now_ms,
            });
            true
        }
    }
}

/// Forgets the rooms of `empty` (rooms that hold no socket with the tag) unless they
/// were claimed within [`CLAIM_GRACE_MS`]; false when nothing was forgotten.
pub fn forget_empty(rooms: &mut Vec<RoomClaim>, empty: &[&str], now_ms: u64) -> bool {
    let before = rooms.len();
    rooms.retain(|r| {
        !empty.contains(&r.chat_id.as_str()) || now_ms.saturating_sub(r.claimed_ms) < CLAIM_GRACE_MS
    });
    rooms.len() != before
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

    #[test]
    fn a_release_racing_a_new_claim_keeps_the_room() {
        let mut rooms = Vec::new();
        assert!(claim(&mut rooms, "chat_a", 1_000));
        // The room's last socket with the tag closed just as another was claimed.
        assert!(!forget_empty(&mut rooms, &["chat_a"], 1_005));
        assert_eq!(rooms.len(), 1);
        // Long after, an empty room is forgotten.
        assert!(forget_empty(
            &mut rooms,
            &["chat_a"],
            1_000 + CLAIM_GRACE_MS
        ));
        assert!(rooms.is_empty());
    }

    #[test]
    fn a_new_claim_renews_the_record_and_others_stay() {
        let mut rooms = Vec::new();
        claim(&mut rooms, "chat_a", 1_000);
        claim(&mut rooms, "chat_b", 1_000);
        assert!(claim(&mut rooms, "chat_a", 1_000 + CLAIM_GRACE_MS));
        assert!(!claim(&mut rooms, "chat_a", 1_000));
        assert!(forget_empty(
            &mut rooms,
            &["chat_a", "chat_b"],
            1_000 + CLAIM_GRACE_MS + 1
        ));
        assert_eq!(
            rooms,
            vec![RoomClaim {
                chat_id: "chat_a".into(),
                claimed_ms: 1_000 + CLAIM_GRACE_MS
            }]
        );
    }
}

//! Automatic assignment: which online agent with room gets a chat. Pure, so the rules
//! are property-tested here; the workspace's object applies them in the same step that
//! writes the chat, one request at a time, which is what keeps a chat from being given
//! twice.

use shared_types::settings::{Assignment, AssignmentMode};

/// An online agent and how many chats they hold now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub agent_id: String,
    pub active: u32,
}

fn has_room(c: &Candidate, cap: Option<u32>) -> bool {
    cap.is_none_or(|cap| c.active < cap)
}

/// The candidates in turn order: by id, starting after `last` (the agent given the
/// previous chat), wrapping around.
fn in_turn<'a>(candidates: &'a [Candidate], last: Option<&str>) -> Vec<&'a Candidate> {
    let mut sorted: Vec<&Candidate> = candidates.iter().collect();
    sorted.sort_by(|a, b| a.agent_id.cmp(&b.agent_id));
    let start = last.map_or(0, |last| {
        sorted
            .iter()
            .position(|c| c.agent_id.as_str() > last)
            .unwrap_or(0)
    });
    let start = start.min(sorted.len());
    sorted.rotate_left(start);
    sorted
}

/// Who gets the next chat, if anyone: `None` in manual mode or when every online agent
/// is at the cap.
pub fn pick(rules: &Assignment, candidates: &[Candidate], last: Option<&str>) -> Option<String> {
    let cap = rules.max_active_per_agent;
    let turn = in_turn(candidates, last);
    let free = turn.into_iter().filter(|c| has_room(c, cap));
    let chosen = match rules.mode {
        AssignmentMode::Manual => None,
        AssignmentMode::RoundRobin => free.into_iter().next(),
        // min_by_key keeps the first of equals, which is the next in turn.
        AssignmentMode::LeastBusy => free.min_by_key(|c| c.active),
    };
    chosen.map(|c| c.agent_id.clone())
}

/// Gives out `waiting` (oldest first) one by one as [`pick`] would, counting each chat
/// given against its agent; stops at the first chat nobody can take. Returns the
/// pairs and the agent last given one.
pub fn distribute(
    rules: &Assignment,
    mut candidates: Vec<Candidate>,
    mut last: Option<String>,
    waiting: &[String],
) -> (Vec<(String, String)>, Option<String>) {
    let mut given = Vec::new();
    for chat in waiting {
        let Some(agent) = pick(rules, &candidates, last.as_deref()) else {
            break;
        };
        if let Some(c) = candidates.iter_mut().find(|c| c.agent_id == agent) {
            c.active += 1;
        }
        given.push((chat.clone(), agent.clone()));
        last = Some(agent);
    }
    (given, last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{HashMap, HashSet};

    fn agents(active: &[u32]) -> Vec<Candidate> {
        active
            .iter()
            .enumerate()
            .map(|(i, a)| Candidate {
                agent_id: format!("agent_{i}"),
                active: *a,
            })
            .collect()
    }

    fn rules(mode: AssignmentMode, cap: Option<u32>) -> Assignment {
        Assignment {
            mode,
            max_active_per_agent: cap,
        }
    }

    fn chats(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("chat_{i}")).collect()
    }

    #[test]
    fn round_robin_takes_turns_over_three_agents_and_nine_chats() {
        let (given, last) = distribute(
            &rules(AssignmentMode::RoundRobin, None),
            agents(&[0, 0, 0]),
            None,
            &chats(9),
        );
        let order: Vec<&str> = given.iter().map(|(_, a)| a.as_str()).collect();
        assert_eq!(
            order,
            [
                "agent_0", "agent_1", "agent_2", "agent_0", "agent_1", "agent_2", "agent_0",
                "agent_1", "agent_2"
            ]
        );
        assert_eq!(last.as_deref(), Some("agent_2"));
        // The turn goes on from where it stopped, and skips whoever has no room.
        let next = pick(
            &rules(AssignmentMode::RoundRobin, Some(3)),
            &agents(&[3, 1, 1]),
            Some("agent_2"),
        );
        assert_eq!(next.as_deref(), Some("agent_1"));
    }

    #[test]
    fn least_busy_takes_the_fewest_and_ties_in_turn() {
        let r = rules(AssignmentMode::LeastBusy, None);
        assert_eq!(
            pick(&r, &agents(&[4, 1, 2]), None).as_deref(),
            Some("agent_1")
        );
        assert_eq!(
            pick(&r, &agents(&[1, 1, 1]), Some("agent_0")).as_deref(),
            Some("agent_1")
        );
        let (given, _) = distribute(&r, agents(&[2, 0, 1]), None, &chats(3));
        let order: Vec<&str> = given.iter().map(|(_, a)| a.as_str()).collect();
        assert_eq!(order, ["agent_1", "agent_2", "agent_1"]);
    }

    #[test]
    fn manual_or_full_gives_nothing() {
        assert_eq!(
            pick(&rules(AssignmentMode::Manual, None), &agents(&[0]), None),
            None
        );
        assert_eq!(
            pick(&rules(AssignmentMode::RoundRobin, None), &[], None),
            None
        );
        let (given, last) = distribute(
            &rules(AssignmentMode::LeastBusy, Some(2)),
            agents(&[2, 1]),
            Some("agent_0".into()),
            &chats(5),
        );
        assert_eq!(given, [("chat_0".to_string(), "agent_1".to_string())]);
        assert_eq!(last.as_deref(), Some("agent_1"));
    }

    proptest! {
        /// Nobody goes over the cap, no chat is given twice, a chat waits only when
        /// every agent is full, and round robin keeps agents within one chat of each
        /// other when they started even.
        #[test]
        fn distribution_respects_capacity_and_gives_each_chat_once(
            active in proptest::collection::vec(0u32..8, 0..6),
            cap in proptest::option::of(1u32..10),
            waiting in 0usize..40,
            least in any::<bool>(),
            last in proptest::option::of(0usize..6),
        ) {
            let mode = if least { AssignmentMode::LeastBusy } else { AssignmentMode::RoundRobin };
            let r = rules(mode, cap);
            let start = agents(&active);
            let last = last.map(|i| format!("agent_{i}"));
            let (given, _) = distribute(&r, start.clone(), last, &chats(waiting));
            let chats_given: HashSet<&String> = given.iter().map(|(c, _)| c).collect();
            prop_assert_eq!(chats_given.len(), given.len());
            let mut load: HashMap<String, u32> =
                start.iter().map(|c| (c.agent_id.clone(), c.active)).collect();
            for (_, agent) in &given {
                let n = load.get_mut(agent).expect("a candidate");
                *n += 1;
                if let Some(cap) = cap {
                    prop_assert!(*n <= cap, "{} over the cap {}", agent, cap);
                }
            }
            if given.len() < waiting {
                prop_assert!(load.values().all(|n| cap.is_some_and(|cap| *n >= cap)));
            }
            if cap.is_none() && !least && active.iter().all(|a| *a == 0) && !active.is_empty() {
                let max = load.values().max().copied().unwrap_or(0);
                let min = load.values().min().copied().unwrap_or(0);
                prop_assert!(max - min <= 1);
            }
        }
    }
}

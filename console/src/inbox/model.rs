//! The inbox's state apart from its views, as Leptos's todomvc keeps `Todos` apart from
//! its components: [`ChatList`] is the list and what may happen to it (a page read, a
//! live update, a chat opened), plain data with native tests; [`InboxState`] holds it in
//! signals with the filter and the open chat, and reads the pages from the API.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::chats::{ChatStatus, ChatSummary};
use shared_types::ids::ChatId;
use shared_types::ListResponse;

use crate::api;

/// Which chats the list shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub status: Option<ChatStatus>,
    /// Only chats assigned to this agent ("Mine" is the signed-in agent's id).
    pub agent: Option<String>,
}

impl Filter {
    pub fn admits(&self, chat: &ChatSummary) -> bool {
        self.status.is_none_or(|s| s == chat.status)
            && self.agent.as_deref().is_none_or(|agent| {
                chat.assigned_to
                    .as_ref()
                    .is_some_and(|a| a.as_str() == agent)
            })
    }

    /// One page of the list, 100 chats (the API's most).
    pub fn query(&self, page: u32) -> String {
        let mut q = format!("/v1/chats?limit=100&page={page}");
        if let Some(s) = self.status {
            q.push_str(&format!("&status={}", s.as_str()));
        }
        if let Some(agent) = &self.agent {
            q.push_str(&format!("&agent_id={}", api::encode(agent)));
        }
        q
    }
}

/// The chats shown, newest activity first, the pages read so far, and every chat this
/// page has heard of (a live update about any other is a new chat).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChatList {
    chats: Vec<ChatSummary>,
    seen: HashSet<ChatId>,
    /// Pages loaded so far and how many there are.
    page: u32,
    pages: u64,
}

impl ChatList {
    pub fn chats(&self) -> &[ChatSummary] {
        &self.chats
    }

    /// Whether "Load more" has more to load.
    pub fn has_more(&self) -> bool {
        u64::from(self.page) < self.pages
    }

    /// The pages loaded so far.
    pub fn pages_loaded(&self) -> u32 {
        self.page
    }

    /// The sum of the unread badges (the tab's title).
    pub fn unread(&self) -> u32 {
        self.chats.iter().map(|c| c.unread_count).sum()
    }

    /// The first page, in place of the list (a new filter, the first load).
    pub fn first_page(&mut self, list: ListResponse<ChatSummary>) {
        self.remember(&list.data);
        self.page = 1;
        self.pages = list.pagination.pages;
        self.chats = list.data;
    }

    /// Page `page` after those shown. Live updates may have moved a chat already; each
    /// appears once.
    pub fn next_page(&mut self, page: u32, list: ListResponse<ChatSummary>) {
        self.remember(&list.data);
        self.page = page;
        self.pages = list.pagination.pages;
        for chat in list.data {
            if self.chats.iter().all(|x| x.id != chat.id) {
                self.chats.push(chat);
            }
        }
    }

    /// Every loaded page read again (`pages` of them in all now), in one swap. A chat
    /// that moved up a page while paging comes back twice; the first stays.
    pub fn reread(&mut self, mut all: Vec<ChatSummary>, pages: u64, open: Option<&str>) {
        let mut ids = HashSet::new();
        all.retain(|c| ids.insert(c.id.clone()));
        self.remember(&all);
        self.pages = pages;
        self.chats = all;
        if let Some(open) = open {
            self.read(open);
        }
    }

    /// A chat as the feed tells it now: kept where the filter admits it, in its place
    /// by activity, its badge zero while it is `open`. True when it is a chat this page
    /// never heard of and waiting for an agent (one to ring for).
    pub fn update(&mut self, mut chat: ChatSummary, filter: &Filter, open: Option<&str>) -> bool {
        let is_new = self.seen.insert(chat.id.clone());
        let ring = is_new && chat.status == ChatStatus::Active;
        if open == Some(chat.id.as_str()) {
            chat.unread_count = 0;
        }
        self.chats.retain(|c| c.id != chat.id);
        if filter.admits(&chat) {
            self.chats.push(chat);
            // Times are whole seconds, so chats often tie: ties go by id, as the
            // server's pages do, or an update would move a tied chat below the others
            // and the rows would swap under the agent's keys.
            self.chats.sort_by(|a, b| {
                b.last_message_at
                    .cmp(&a.last_message_at)
                    .then_with(|| a.id.as_str().cmp(b.id.as_str()))
            });
        }
        ring
    }

    /// The open chat is being read: its badge goes at once, not after the server's echo.
    pub fn read(&mut self, open: &str) {
        for chat in self.chats.iter_mut().filter(|c| c.id.as_str() == open) {
            chat.unread_count = 0;
        }
    }

    fn remember(&mut self, list: &[ChatSummary]) {
        self.seen.extend(list.iter().map(|c| c.id.clone()));
    }
}

/// The inbox's state in signals: the list, the filter it is read with, the open chat.
#[derive(Clone, Copy)]
pub struct InboxState {
    pub list: RwSignal<ChatList>,
    pub filter: RwSignal<Filter>,
    pub selected: RwSignal<Option<String>>,
}

impl InboxState {
    /// Nothing loaded yet; `open` is the chat a mail's link named, if any.
    pub fn new(open: Option<String>) -> InboxState {
        InboxState {
            list: RwSignal::new(ChatList::default()),
            filter: RwSignal::new(Filter::default()),
            selected: RwSignal::new(open),
        }
    }

    /// The first page for the filter, in place of the list; `done` after it came.
    pub fn reload(self, done: impl FnOnce() + 'static) {
        let path = self.filter.get_untracked().query(1);
        spawn_local(async move {
            if let Ok(list) = api::call::<ListResponse<ChatSummary>>("GET", &path, None).await {
                self.list.update(|l| l.first_page(list));
                done();
            }
        });
    }

    /// The next page ("Load more").
    pub fn load_more(self) {
        let next = self.list.with_untracked(ChatList::pages_loaded) + 1;
        let path = self.filter.get_untracked().query(next);
        spawn_local(async move {
            if let Ok(list) = api::call::<ListResponse<ChatSummary>>("GET", &path, None).await {
                self.list.update(|l| l.next_page(next, list));
            }
        });
    }

    /// Every page loaded so far, again: after a reconnect the list must neither shrink
    /// back to the first page nor keep what changed while away.
    pub fn refetch(self) {
        let asked = self.filter.get_untracked();
        let loaded = self.list.with_untracked(ChatList::pages_loaded);
        spawn_local(async move {
            let mut all = Vec::new();
            let mut total = 1;
            for p in 1..=loaded {
                let path = asked.query(p);
                match api::call::<ListResponse<ChatSummary>>("GET", &path, None).await {
                    Ok(list) => {
                        total = list.pagination.pages;
                        all.extend(list.data);
                    }
                    // Half a list is worse than the old one; the next reconnect tries again.
                    Err(_) => return,
                }
            }
            // The filter changed or "Load more" ran meanwhile: their lists are newer.
            if asked != self.filter.get_untracked()
                || loaded != self.list.with_untracked(ChatList::pages_loaded)
            {
                return;
            }
            let open = self.selected.get_untracked();
            self.list.update(|l| l.reread(all, total, open.as_deref()));
        });
    }

    /// A chat as the feed tells it now; true when it is new and waiting (to ring for).
    pub fn update(self, chat: ChatSummary) -> bool {
        let filter = self.filter.get_untracked();
        let open = self.selected.get_untracked();
        self.list
            .try_update(|l| l.update(chat, &filter, open.as_deref()))
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared_types::ids::AgentId;
    use shared_types::Pagination;

    fn chat(id: &str, status: ChatStatus, assigned_to: Option<&str>, at: &str) -> ChatSummary {
        ChatSummary {
            id: ChatId::with_suffix(id),
            visitor_name: None,
            visitor_email: None,
            status,
            assigned_to: assigned_to.map(AgentId::with_suffix),
            unread_count: 1,
            last_message_at: at.into(),
            created_at: at.into(),
            visitor_verified: false,
            last_message_text: None,
            last_message_sender: None,
        }
    }

    fn page(data: Vec<ChatSummary>, pages: u64) -> ListResponse<ChatSummary> {
        ListResponse {
            pagination: Pagination {
                page: 1,
                limit: 100,
                total: data.len() as u64,
                pages,
            },
            data,
        }
    }

    fn ids(list: &ChatList) -> Vec<&str> {
        list.chats().iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn a_live_chat_stays_in_the_list_only_while_it_matches_the_filter() {
        let me = AgentId::with_suffix("me");
        let mine = Filter {
            status: Some(ChatStatus::Assigned),
            agent: Some(me.as_str().to_string()),
        };
        let at = "2026-02-11T14:23:00Z";
        assert!(mine.admits(&chat("1", ChatStatus::Assigned, Some("me"), at)));
        assert!(!mine.admits(&chat("1", ChatStatus::Assigned, Some("other"), at)));
        assert!(!mine.admits(&chat("1", ChatStatus::Closed, Some("me"), at)));
        assert!(!mine.admits(&chat("1", ChatStatus::Active, None, at)));
        let all = Filter::default();
        assert!(all.admits(&chat("1", ChatStatus::Active, None, at)));
        assert!(all.admits(&chat("1", ChatStatus::Closed, Some("other"), at)));
    }

    #[test]
    fn the_filter_is_the_list_query() {
        let f = Filter {
            status: Some(ChatStatus::Closed),
            agent: Some("agent_x".into()),
        };
        assert_eq!(
            f.query(2),
            "/v1/chats?limit=100&page=2&status=closed&agent_id=agent_x"
        );
        assert_eq!(Filter::default().query(1), "/v1/chats?limit=100&page=1");
    }

    #[test]
    fn an_update_moves_a_chat_to_the_top_and_rings_only_for_a_new_waiting_one() {
        let mut list = ChatList::default();
        list.first_page(page(
            vec![
                chat("b", ChatStatus::Active, None, "2026-02-11T14:02:00Z"),
                chat("a", ChatStatus::Active, None, "2026-02-11T14:01:00Z"),
            ],
            1,
        ));
        let all = Filter::default();
        let known = chat("a", ChatStatus::Active, None, "2026-02-11T14:05:00Z");
        assert!(!list.update(known, &all, None));
        assert_eq!(ids(&list), ["chat_a", "chat_b"]);
        let fresh = chat("c", ChatStatus::Active, None, "2026-02-11T14:06:00Z");
        assert!(list.update(fresh, &all, None));
        assert_eq!(ids(&list), ["chat_c", "chat_a", "chat_b"]);
        // Heard of once, it never rings again; closed, it leaves an "active" list.
        let active = Filter {
            status: Some(ChatStatus::Active),
            agent: None,
        };
        let closed = chat("c", ChatStatus::Closed, None, "2026-02-11T14:07:00Z");
        assert!(!list.update(closed, &active, None));
        assert_eq!(ids(&list), ["chat_a", "chat_b"]);
        // A new chat that is already taken is not one to ring for.
        let taken = chat("d", ChatStatus::Assigned, Some("x"), "2026-02-11T14:08:00Z");
        assert!(!list.update(taken, &all, None));
    }

    #[test]
    fn chats_of_the_same_second_keep_the_servers_order_by_id_through_an_update() {
        let at = "2026-02-11T14:02:00Z";
        let mut list = ChatList::default();
        list.first_page(page(
            vec![
                chat("a", ChatStatus::Active, None, at),
                chat("b", ChatStatus::Active, None, at),
            ],
            1,
        ));
        let assigned = chat("a", ChatStatus::Assigned, Some("me"), at);
        assert!(!list.update(assigned, &Filter::default(), None));
        assert_eq!(ids(&list), ["chat_a", "chat_b"]);
    }

    #[test]
    fn the_open_chat_has_no_badge_whatever_the_server_counts() {
        let mut list = ChatList::default();
        list.first_page(page(
            vec![chat("a", ChatStatus::Active, None, "2026-02-11T14:01:00Z")],
            1,
        ));
        assert_eq!(list.unread(), 1);
        list.read("chat_a");
        assert_eq!(list.unread(), 0);
        let again = chat("a", ChatStatus::Active, None, "2026-02-11T14:02:00Z");
        list.update(again, &Filter::default(), Some("chat_a"));
        assert_eq!(list.unread(), 0);
    }

    #[test]
    fn pages_add_each_chat_once_and_a_reread_keeps_the_first_of_a_repeat() {
        let mut list = ChatList::default();
        let at = "2026-02-11T14:01:00Z";
        list.first_page(page(vec![chat("a", ChatStatus::Active, None, at)], 2));
        assert!(list.has_more());
        list.next_page(
            2,
            page(
                vec![
                    chat("a", ChatStatus::Active, None, at),
                    chat("b", ChatStatus::Active, None, at),
                ],
                2,
            ),
        );
        assert_eq!(ids(&list), ["chat_a", "chat_b"]);
        assert!(!list.has_more());
        assert_eq!(list.pages_loaded(), 2);
        list.reread(
            vec![
                chat("b", ChatStatus::Active, None, at),
                chat("a", ChatStatus::Active, None, at),
                chat("b", ChatStatus::Closed, None, at),
            ],
            2,
            Some("chat_b"),
        );
        assert_eq!(ids(&list), ["chat_b", "chat_a"]);
        assert_eq!(list.chats()[0].status, ChatStatus::Active);
        assert_eq!(list.unread(), 1);
    }
}

//! Synthetic conversations for the benchmarks and the big-inbox tests, written behind the
//! API's back: the agents into D1's directory, the visitors, chats and messages into the
//! workspace's own object. SQLite generates the rows itself (recursive CTEs), so a
//! million messages take seconds, and the object's triggers queue them for search as
//! they would any message; each batch ends with the object's own indexing of the queue.

use crate::harness::TestServer;

/// The words seeded messages are made of, 64 of them in Uzbek, Russian and English, so
/// a search for one matches about 1 message in 21 (three words a message), and each
/// chat's `ref{i}` matches that chat's messages only (`--bench api_latency`).
const WORDS: &str = "w(k, w) AS (VALUES
    (0, 'buyurtma'), (1, 'yetkazib'), (2, 'narx'), (3, 'chegirma'), (4, 'toʻlov'), (5, 'kafolat'),
    (6, 'qaytarish'), (7, 'oʻlcham'), (8, 'rang'), (9, 'manzil'), (10, 'telefon'), (11, 'karta'),
    (12, 'naqd'), (13, 'ertaga'), (14, 'bugun'), (15, 'rahmat'), (16, 'доставка'), (17, 'заказ'),
    (18, 'оплата'), (19, 'скидка'), (20, 'возврат'), (21, 'размер'), (22, 'цвет'), (23, 'адрес'),
    (24, 'гарантия'), (25, 'курьер'), (26, 'склад'), (27, 'наличие'), (28, 'спасибо'), (29, 'завтра'),
    (30, 'сегодня'), (31, 'Ташкент'), (32, 'order'), (33, 'delivery'), (34, 'refund'), (35, 'invoice'),
    (36, 'discount'), (37, 'warranty'), (38, 'shipping'), (39, 'tracking'), (40, 'account'), (41, 'password'),
    (42, 'login'), (43, 'subscription'), (44, 'Samarqand'), (45, 'Buxoro'), (46, 'Fargʻona'), (47, 'Andijon'),
    (48, 'Namangan'), (49, 'Xiva'), (50, 'Navoiy'), (51, 'Termiz'), (52, 'Qarshi'), (53, 'Jizzax'),
    (54, 'Nukus'), (55, 'Guliston'), (56, 'Urganch'), (57, 'Chirchiq'), (58, 'Olmaliq'), (59, 'Angren'),
    (60, 'Kokand'), (61, 'Margilan'), (62, 'Denov'), (63, 'Shahrisabz'))";

/// Chats written per transaction of the object's database. Each write holds every
/// test's requests (`client::QUIET`), so a big seed holds them for moments, not at once.
const CHATS_PER_BATCH: u64 = 10_000;

/// Fills `workspace_id` with 10 operators, `chats` chats of one visitor each spread over
/// the last 400 days (a third each active, assigned, closed; closed ones with response
/// and resolution times and most with a rating), and `messages_per_chat` messages per
/// chat alternating visitor and agent.
///
/// Ids end in the workspace's own (`chat_seed{i}{ws}`, `visitor_seed{i}{ws}`,
/// `agent_seed{i}{ws}`, for `i` from 1), so a caller can name any of them.
pub fn chats(server: &TestServer, workspace_id: &str, chats: u64, messages_per_chat: u64) {
    // The id is formatted into the SQL, and the product's ids are letters and digits.
    let own = workspace_id
        .strip_prefix("ws_")
        .filter(|own| own.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| panic!("not a workspace id: {workspace_id}"));
    server.d1(&format!(
        "INSERT INTO agents (id, workspace_id, name, email, role, status, created_at, updated_at)
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
         SELECT 'agent_seed' || i || '{own}', '{workspace_id}', 'Agent ' || i,
                'agent' || i || '@seed.chatflow.uz', 'operator', 'offline',
                '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
           FROM n;"
    ));
    let per_chat = messages_per_chat;
    let mut first = 1;
    while first <= chats {
        let last = (first + CHATS_PER_BATCH - 1).min(chats);
        let batch = format!(
            "WITH RECURSIVE n(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM n WHERE i < {last})"
        );
        let catch_up = edge_api::domain::search::CATCH_UP;
        server.workspace_sql(
            workspace_id,
            &format!(
                "BEGIN;
                 INSERT INTO visitors (id, name, email, metadata, created_at, last_seen_at)
                 {batch}
                 SELECT 'visitor_seed' || i || '{own}', 'Visitor ' || i, 'v' || i || '@example.com',
                        '{{}}', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
                   FROM n;

                 INSERT INTO chats (id, visitor_id, status, assigned_to, unread_count, last_seq,
                                    last_message_at, last_activity_at, first_visitor_message_at,
                                    first_response_at, closed_at, agents_replied, rating_score,
                                    rated_at, created_at, updated_at)
                 {batch},
                 t AS (
                   SELECT i,
                          strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || ((i * 7919) % 34560000) || ' seconds') AS created,
                          CASE i % 3 WHEN 0 THEN 'active' WHEN 1 THEN 'assigned' ELSE 'closed' END AS status
                     FROM n)
                 SELECT 'chat_seed' || i || '{own}', 'visitor_seed' || i || '{own}', status,
                        CASE WHEN status = 'active' THEN NULL ELSE 'agent_seed' || (1 + i % 10) || '{own}' END,
                        i % 4, {per_chat},
                        strftime('%Y-%m-%dT%H:%M:%SZ', created, '+' || (60 * {per_chat}) || ' seconds'),
                        strftime('%Y-%m-%dT%H:%M:%SZ', created, '+' || (60 * {per_chat}) || ' seconds'),
                        created,
                        CASE WHEN status = 'active' THEN NULL
                             ELSE strftime('%Y-%m-%dT%H:%M:%SZ', created, '+' || (30 + i % 300) || ' seconds') END,
                        CASE WHEN status = 'closed'
                             THEN strftime('%Y-%m-%dT%H:%M:%SZ', created, '+' || (600 + i % 3000) || ' seconds') END,
                        CASE WHEN status = 'active' THEN 0 ELSE 1 END,
                        CASE WHEN status = 'closed' AND i % 5 <> 0 THEN 1 + i % 5 END,
                        CASE WHEN status = 'closed' AND i % 5 <> 0
                             THEN strftime('%Y-%m-%dT%H:%M:%SZ', created, '+' || (4000 + i % 3000) || ' seconds') END,
                        created, created
                   FROM t;

                 INSERT INTO messages (chat_id, seq, id, sender_type, sender_id, text, attachments,
                                       created_at)
                 {batch},
                 k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < {per_chat}),
                 {WORDS}
                 SELECT c.id, j, 'msg_seed' || j || 'x' || i || '{own}',
                        CASE WHEN j % 2 = 1 THEN 'visitor' ELSE 'agent' END,
                        CASE WHEN j % 2 = 1 THEN c.visitor_id ELSE c.assigned_to END,
                        'Seeded message ' || j || ': ' || a.w || ' ' || b.w || ' ' || d.w
                          || ' ref' || i,
                        '[]',
                        strftime('%Y-%m-%dT%H:%M:%SZ', c.created_at, '+' || (60 * j) || ' seconds')
                   FROM n JOIN chats c ON c.id = 'chat_seed' || i || '{own}' CROSS JOIN k
                   JOIN w a ON a.k = (i * 7 + j * 3) % 64
                   JOIN w b ON b.k = (i * 13 + j * 5 + 21) % 64
                   JOIN w d ON d.k = (i * 29 + j * 11 + 42) % 64;
                 {catch_up}
                 COMMIT;"
            ),
        );
        first = last + 1;
    }
}

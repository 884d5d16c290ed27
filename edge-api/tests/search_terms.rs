//! The search's fast path against real FTS5 with the index's own tokenizer: the range
//! `domain::search::prefix_range` reads from the vocabulary holds exactly the terms the
//! prefix query would merge, and the expanded query finds exactly what the prefix
//! query finds.

use edge_api::domain::search::{expanded_query, prefix_query, prefix_range, words};
use rusqlite::Connection;

/// The tokenizer of workspace migration 0008, and its vocabulary: the terms the words
/// table of migration 0015 holds, as `workspace_schema` checks.
fn index(texts: &[&str]) -> Connection {
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch(
        "CREATE VIRTUAL TABLE search_messages USING fts5(
             text, tokenize = \"unicode61 remove_diacritics 2 separators 'ʻʼ'\");
         CREATE VIRTUAL TABLE search_messages_terms USING fts5vocab(search_messages, 'row');",
    )
    .unwrap();
    for (i, text) in texts.iter().enumerate() {
        db.execute(
            "INSERT INTO search_messages (rowid, text) VALUES (?1, ?2)",
            rusqlite::params![i as i64 + 1, text],
        )
        .unwrap();
    }
    db
}

fn found(db: &Connection, query: &str) -> Vec<i64> {
    db.prepare("SELECT rowid FROM search_messages WHERE search_messages MATCH ?1 ORDER BY rowid")
        .unwrap()
        .query_map([query], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn terms(db: &Connection, from: &str, to: &str) -> Vec<String> {
    db.prepare("SELECT term FROM search_messages_terms WHERE term >= ?1 AND term < ?2")
        .unwrap()
        .query_map([from, to], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

const TEXTS: &[&str] = &[
    "Buyurtma narxi qancha? Narx 15 000 soʻm",
    "NARXLAR oʻzgardi, buyurtma ertaga",
    "Доставка завтра, ДОСТАВКУ оплатите курьеру",
    "Ўзбекистон бўйлаб қўнғироқ қилинг, йўқ",
    "Ёлка и ёжик, Йогурт",
    "ref1 ref10 ref100 ref2",
    "École naïve façade İstanbul",
    "narx",
];

#[test]
fn a_prefix_range_holds_the_terms_the_tokenizer_made() {
    let db = index(TEXTS);
    for (typed, want) in [
        ("narx", &["narx", "narxi", "narxlar"][..]),
        ("NARX", &["narx", "narxi", "narxlar"]),
        ("доставк", &["доставка", "доставку"]),
        ("ЎЗБЕК", &["ўзбекистон"]),
        ("бўй", &["бўйлаб"]),
        ("ёл", &["ёлка"]),
        ("йо", &["йогурт"]),
        ("ref1", &["ref1", "ref10", "ref100"]),
        ("velosiped", &[]),
    ] {
        let (from, to) = prefix_range(typed).unwrap_or_else(|| panic!("{typed}"));
        assert_eq!(terms(&db, &from, &to), want, "{typed}");
    }
}

#[test]
fn the_expanded_query_finds_what_the_prefix_query_finds() {
    let db = index(TEXTS);
    for typed in [
        "narx",
        "buyurtma nar",
        "BUYURTMA",
        "доставк",
        "доставка ЗАВТ",
        "қўнғ",
        "ref1",
        "ref10 ref",
        "nar velosiped",
    ] {
        let words = words(typed);
        let last = words.last().unwrap();
        let (from, to) = prefix_range(last).unwrap();
        let by_prefix = found(&db, &prefix_query(&words).unwrap());
        let by_terms = match expanded_query(&words, &terms(&db, &from, &to)) {
            Some(query) => found(&db, &query),
            None => Vec::new(),
        };
        assert_eq!(by_terms, by_prefix, "{typed}");
    }
}

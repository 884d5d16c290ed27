//! What a workspace's export (`GET /v1/admin/workspaces/{id}/export`) leaves out of every
//! row, whether the row comes from the directory or from the workspace's own object.

use serde_json::{Map, Value};

/// Columns never exported: what signs in or signs for the workspace.
pub const WITHHELD: &[&str] = &[
    "password_hash",
    "key_hash",
    "token_hash",
    "secret",
    "secret_sealed",
];

/// The row without its [`WITHHELD`] columns.
pub fn withheld(mut row: Map<String, Value>) -> Map<String, Value> {
    row.retain(|column, _| !WITHHELD.contains(&column.as_str()));
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_sealed_secret_and_the_hashes_are_left_out_and_the_rest_kept() {
        let row = json!({"id": "wh_1", "url": "https://a.example", "secret_sealed": "v1.x.y",
                         "password_hash": "p", "key_hash": "k", "token_hash": "t", "secret": "s"});
        let Value::Object(row) = row else {
            unreachable!()
        };
        let kept = withheld(row);
        assert_eq!(
            Value::Object(kept),
            json!({"id": "wh_1", "url": "https://a.example"})
        );
    }
}

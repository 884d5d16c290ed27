//! The widget configuration: one row per workspace.

use serde::Deserialize;
use shared_types::validate::HexColor;
use shared_types::widget::{WidgetPosition, WidgetShape, WidgetTheme};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{bool_value, first, opt_str, run, stmt};
use crate::error::ApiError;

/// What a new workspace's widget looks like before its owner changes anything: the
/// spec's example colour and Uzbek texts, any origin allowed, branding shown.
pub mod defaults {
    pub const COLOR: &str = "#4F46E5";
    pub const SHAPE: &str = "rounded";
    pub const POSITION: &str = "bottom-right";
    pub const BUTTON_TEXT: &str = "Yordam kerakmi?";
    pub const WELCOME_MESSAGE: &str = "Salom! Sizga qanday yordam bera olaman?";
    pub const OFFLINE_MESSAGE: &str =
        "Hozir offline holatdamiz. Xabaringizni qoldiring, tez orada javob beramiz.";
}

#[derive(Debug, Clone, Deserialize)]
pub struct WidgetRow {
    pub color: HexColor,
    pub shape: WidgetShape,
    pub position: WidgetPosition,
    pub button_text: String,
    pub welcome_message: String,
    pub offline_message: String,
    /// JSON array of host patterns.
    pub domains: String,
    pub show_powered_by: i64,
    pub logo_url: Option<String>,
    pub prechat_enabled: i64,
    pub prechat_require_name: i64,
    pub prechat_require_email: i64,
    pub theme: WidgetTheme,
    pub require_identity: i64,
}

pub fn insert_defaults(
    db: &D1Database,
    workspace_id: &str,
    now: &str,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "INSERT INTO widget_config (workspace_id, color, shape, position, button_text,
                welcome_message, offline_message, domains, show_powered_by, logo_url, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '[]', 1, NULL, ?8)",
        &[
            workspace_id.into(),
            defaults::COLOR.into(),
            defaults::SHAPE.into(),
            defaults::POSITION.into(),
            defaults::BUTTON_TEXT.into(),
            defaults::WELCOME_MESSAGE.into(),
            defaults::OFFLINE_MESSAGE.into(),
            now.into(),
        ],
    )
}

pub async fn get(db: &D1Database, workspace_id: &str) -> Result<Option<WidgetRow>, ApiError> {
    first(
        db,
        "SELECT color, shape, position, button_text, welcome_message, offline_message, domains,
                show_powered_by, logo_url, prechat_enabled, prechat_require_name,
                prechat_require_email, theme, require_identity
           FROM widget_config WHERE workspace_id = ?1",
        &[JsValue::from(workspace_id)],
    )
    .await
}

/// Writes the whole row (the caller merged the partial update into it).
pub async fn put(
    db: &D1Database,
    workspace_id: &str,
    row: &WidgetRow,
    now: &str,
) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE widget_config SET color = ?2, shape = ?3, position = ?4, button_text = ?5,
                welcome_message = ?6, offline_message = ?7, domains = ?8, show_powered_by = ?9,
                logo_url = ?10, updated_at = ?11, prechat_enabled = ?12,
                prechat_require_name = ?13, prechat_require_email = ?14, theme = ?15, require_identity = ?16
          WHERE workspace_id = ?1",
        &[
            workspace_id.into(),
            row.color.as_str().into(),
            row.shape.as_str().into(),
            row.position.as_str().into(),
            row.button_text.as_str().into(),
            row.welcome_message.as_str().into(),
            row.offline_message.as_str().into(),
            row.domains.as_str().into(),
            bool_value(row.show_powered_by != 0),
            opt_str(row.logo_url.as_deref()),
            now.into(),
            bool_value(row.prechat_enabled != 0),
            bool_value(row.prechat_require_name != 0),
            bool_value(row.prechat_require_email != 0),
            row.theme.as_str().into(),
            bool_value(row.require_identity != 0),
        ],
    )
    .await
    .map(drop)
}

/// Replaces the workspace's identity secret (sealed by the caller): the old one stops
/// verifying with this write.
pub async fn put_identity_secret(
    db: &D1Database,
    workspace_id: &str,
    sealed: &str,
    now: &str,
) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE widget_config SET identity_secret_sealed = ?2, updated_at = ?3
          WHERE workspace_id = ?1",
        &[workspace_id.into(), sealed.into(), now.into()],
    )
    .await
    .map(drop)
}

/// The workspace's sealed identity secret, `None` when none was ever made.
pub async fn identity_secret(
    db: &D1Database,
    workspace_id: &str,
) -> Result<Option<String>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        identity_secret_sealed: Option<String>,
    }
    let row: Option<Row> = first(
        db,
        "SELECT identity_secret_sealed FROM widget_config WHERE workspace_id = ?1",
        &[JsValue::from(workspace_id)],
    )
    .await?;
    Ok(row.and_then(|r| r.identity_secret_sealed))
}

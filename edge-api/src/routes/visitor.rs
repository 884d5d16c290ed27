//! The widget's side of a conversation: a visitor session from the public config's
//! domains, then the visitor's own chats with its signed token (DESIGN.md, "The visitor
//! side"). A token reaches only that visitor's chats: anything else is a 404.

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use shared_types::chats::{
    ChatDetail, ChatStatus, ChatSummary, ConversationMessage, MessagesQuery, SendMessageRequest,
    SenderType,
};
use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::ids::{ChatId, VisitorId};
use shared_types::visitor::{
    CreateSessionRequest, RatingRequest, SessionResponse, StartChatRequest, StartedChat,
    VisitorInfo,
};
use shared_types::DataList;
use worker::D1Database;

use crate::auth::VisitorCaller;
use crate::domain::token::{self, VisitorClaims};
use crate::domain::{bounds, rate_limit};
use crate::domain::{ids, time};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::limits;
use crate::objects::chat_room::Opening;
use crate::routes::chats::{load_detail, load_head, parse_chat_id, post_message, Author};
use crate::routes::public::check_origin;
use crate::routes::widget::{domains_of, identity_verdict};
use crate::state::AppState;
use crate::store;
use crate::store::chats::{ChatFilter, ChatHead};

/// How long a visitor session lasts: a returning visitor within a month continues the
/// same conversation.
const SESSION_DAYS: i64 = 30;
/// How many of the visitor's chats the widget lists.
const MAX_VISITOR_CHATS: u32 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/public/widgets/{workspace_id}/sessions",
            post(create_session),
        )
        .route("/v1/visitor/chats", get(list_chats).post(start_chat))
        .route(
            "/v1/visitor/chats/{chat_id}/messages",
            get(list_messages).post(send_message),
        )
        .route("/v1/visitor/chats/{chat_id}/read", post(mark_read))
        .route("/v1/visitor/chats/{chat_id}/rating", post(rate))
}

#[worker::send]
async fn create_session(
    State(state): State<AppState>,
    Path(workspace_id): Path<String>,
    parts: Parts,
    ApiJson(body): ApiJson<CreateSessionRequest>,
) -> Result<(StatusCode, Json<SessionResponse>), ApiError> {
    let headers = &parts.headers;
    let db = state.db()?;
    let config = store::widget_config::get(&db, &workspace_id)
        .await?
        .ok_or(ErrorCode::WorkspaceNotFound)?;
    check_origin(headers, &domains_of(&config)?)?;
    let visitor = body.visitor;
    check_visitor_bounds(&visitor)?;
    let budget = format!("sessions:{workspace_id}:{}", limits::client_ip(headers));
    limits::spend(&state, &parts, &budget, rate_limit::SESSIONS_PER_IP).await?;
    let all = format!("sessions:{workspace_id}");
    limits::spend(&state, &parts, &all, bounds::SESSIONS_PER_WORKSPACE).await?;
    let secret = state.token_secret()?;
    let verified = identity_verdict(&state, &workspace_id, &config, &visitor).await?;
    let metadata = serde_json::to_string(&visitor.metadata.unwrap_or_default())
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let visitor_id = VisitorId::with_suffix(&ids::suffix());
    let now = time::now();
    store::visitors::insert(
        &db,
        &store::visitors::NewVisitor {
            id: visitor_id.as_str(),
            workspace_id: &workspace_id,
            name: visitor.name.as_ref().map(|n| n.as_str()),
            email: visitor.email.as_ref().map(|e| e.as_str()),
            phone: visitor.phone.as_ref().map(|p| p.as_str()),
            metadata: &metadata,
            user_id: visitor.user_id.as_ref().map(|u| u.as_str()),
            verified,
            now: &time::format(now),
        },
    )
    .await?;
    let expires = now + chrono::Duration::days(SESSION_DAYS);
    let visitor_token = token::visitor_token(
        secret.as_bytes(),
        &VisitorClaims {
            workspace_id,
            visitor_id: visitor_id.as_str().to_string(),
            expires_at: expires.timestamp(),
        },
    );
    Ok((
        StatusCode::CREATED,
        Json(SessionResponse {
            visitor_id,
            visitor_token,
            expires_at: time::format(expires),
        }),
    ))
}

#[worker::send]
async fn start_chat(
    State(state): State<AppState>,
    parts: Parts,
    visitor: VisitorCaller,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StartChatRequest>,
) -> Result<(StatusCode, Json<StartedChat>), ApiError> {
    let mut fields = FieldErrors::default();
    let page_url = body.page_url.as_ref().map(|u| u.as_str());
    bounds::check_chars(
        "page_url",
        page_url,
        bounds::PAGE_URL_MAX_CHARS,
        &mut fields,
    );
    if !fields.is_empty() {
        return Err(ApiError::validation(fields));
    }
    let budget = format!("new-chats:{}", visitor.visitor_id);
    limits::spend_quota(
        &state,
        &parts,
        &budget,
        &[(bounds::NEW_CHATS_PER_VISITOR, 1)],
    )
    .await?;
    let db = state.db()?;
    let chat_id = ChatId::with_suffix(&ids::suffix());
    let create = Opening::Create {
        visitor_id: visitor.visitor_id.clone(),
        page_url: body.page_url.as_ref().map(|u| u.as_str().to_string()),
    };
    let message = post_message(
        &state,
        &visitor.workspace_id,
        &chat_id,
        visitor_author(&visitor),
        SendMessageRequest {
            text: body.text,
            attachments: Vec::new(),
        },
        Some(create),
        &super::origin(&uri, &headers),
    )
    .await?;
    let chat = load_detail(&db, &visitor.workspace_id, &chat_id).await?;
    let (after, workspace_id, created) =
        (state.clone(), visitor.workspace_id.clone(), chat.clone());
    state
        .after_response(async move {
            crate::webhooks::chat_created(&after, &workspace_id, &created).await;
        })
        .await;
    let chat = visitor_view(chat);
    Ok((StatusCode::CREATED, Json(StartedChat { chat, message })))
}

#[worker::send]
async fn list_chats(
    State(state): State<AppState>,
    visitor: VisitorCaller,
) -> Result<Json<DataList<ChatSummary>>, ApiError> {
    let filter = ChatFilter {
        workspace_id: &visitor.workspace_id,
        status: None,
        agent_id: None,
        visitor_id: Some(&visitor.visitor_id),
    };
    let (data, _) = store::chats::page(&state.db()?, &filter, MAX_VISITOR_CHATS, 0).await?;
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn list_messages(
    State(state): State<AppState>,
    visitor: VisitorCaller,
    Path(chat_id): Path<String>,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> Result<Json<DataList<ConversationMessage>>, ApiError> {
    let db = state.db()?;
    let (chat_id, _) = own_chat(&db, &visitor, &chat_id).await?;
    let data = store::messages::page(&db, &chat_id, &query).await?;
    Ok(Json(DataList { data }))
}

/// A visitor writing into a closed chat reopens it, as in Intercom and Crisp: the
/// conversation continues rather than starting over.
#[worker::send]
async fn send_message(
    State(state): State<AppState>,
    visitor: VisitorCaller,
    Path(chat_id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SendMessageRequest>,
) -> Result<(StatusCode, Json<ConversationMessage>), ApiError> {
    let db = state.db()?;
    let (chat_id, head) = own_chat(&db, &visitor, &chat_id).await?;
    let reopen = (head.status == ChatStatus::Closed).then_some(Opening::Reopen);
    let reopened = reopen.is_some();
    let message = post_message(
        &state,
        &visitor.workspace_id,
        &chat_id,
        visitor_author(&visitor),
        body,
        reopen,
        &super::origin(&uri, &headers),
    )
    .await?;
    if reopened {
        crate::webhooks::chat_reopened(&state, &db, &visitor.workspace_id, &chat_id).await;
    }
    Ok((StatusCode::CREATED, Json(message)))
}

#[worker::send]
async fn mark_read(
    State(state): State<AppState>,
    visitor: VisitorCaller,
    Path(chat_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let db = state.db()?;
    let (chat_id, _) = own_chat(&db, &visitor, &chat_id).await?;
    crate::routes::chats::check_read_seq(&db, &visitor.workspace_id, &chat_id, &body).await?;
    store::chats::mark_read(&db, &visitor.workspace_id, chat_id.as_str(), true).await?;
    crate::routes::chats::tell_visitor_read(&state, &db, &visitor.workspace_id, &chat_id).await;
    Ok(StatusCode::NO_CONTENT)
}

#[worker::send]
async fn rate(
    State(state): State<AppState>,
    visitor: VisitorCaller,
    Path(chat_id): Path<String>,
    ApiJson(body): ApiJson<RatingRequest>,
) -> Result<Json<ChatDetail>, ApiError> {
    let db = state.db()?;
    let (chat_id, head) = own_chat(&db, &visitor, &chat_id).await?;
    if head.status != ChatStatus::Closed {
        return Err(ErrorCode::ChatNotClosed.into());
    }
    if head.rating_score.is_some() {
        return Err(ErrorCode::AlreadyRated.into());
    }
    let stored = store::chats::rate(
        &db,
        &visitor.workspace_id,
        chat_id.as_str(),
        body.score,
        body.comment.as_ref().map(|c| c.as_str()),
        &time::now_rfc3339(),
    )
    .await?;
    if !stored {
        // Reopened or rated by a concurrent request between the check and the write.
        return Err(ErrorCode::AlreadyRated.into());
    }
    crate::webhooks::chat_rated(&state, &visitor.workspace_id, &chat_id, &body).await;
    Ok(Json(visitor_view(
        load_detail(&db, &visitor.workspace_id, &chat_id).await?,
    )))
}

fn visitor_author(visitor: &VisitorCaller) -> Author<'_> {
    Author {
        kind: SenderType::Visitor,
        id: &visitor.visitor_id,
        name: None,
    }
}

/// The chat, if it is this visitor's; CHAT-001 for anything else.
async fn own_chat(
    db: &D1Database,
    visitor: &VisitorCaller,
    raw_id: &str,
) -> Result<(ChatId, ChatHead), ApiError> {
    let chat_id = parse_chat_id(raw_id)?;
    let head = load_head(db, &visitor.workspace_id, &chat_id).await?;
    if head.visitor_id != visitor.visitor_id {
        return Err(ErrorCode::ChatNotFound.into());
    }
    Ok((chat_id, head))
}

/// Agents' tags and notes are theirs, not the visitor's.
fn visitor_view(mut chat: ChatDetail) -> ChatDetail {
    chat.tags.clear();
    chat.notes = None;
    chat
}

/// REQ-004 with every field of the visitor beyond [`bounds`]; nothing is stored then.
fn check_visitor_bounds(visitor: &VisitorInfo) -> Result<(), ApiError> {
    let mut fields = FieldErrors::default();
    let name = visitor.name.as_ref().map(|n| n.as_str());
    bounds::check_chars("visitor.name", name, bounds::NAME_MAX_CHARS, &mut fields);
    let phone = visitor.phone.as_ref().map(|p| p.as_str());
    bounds::check_chars("visitor.phone", phone, bounds::PHONE_MAX_CHARS, &mut fields);
    if let Some(metadata) = &visitor.metadata {
        bounds::check_metadata(metadata, &mut fields);
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(fields))
    }
}

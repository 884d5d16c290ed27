//! The worker's side of the `Workspace` object: a typed call that sends one
//! [`Request`] and decodes its answer, so no caller builds a path or a body by hand.

use serde::de::DeserializeOwned;
use worker::{Headers, Method, RequestInit, Stub};

use super::protocol::{Answer, Request, BODY_HEADER, BUDGET_HEADER, CHARGE_HEADER};
use crate::domain::rate_limit::Decision;
use crate::error::ApiError;
use crate::limits::RateSlot;
use crate::platform::PassedBody;
use crate::state::AppState;

/// The object that is `workspace_id`'s database. Call it only for a workspace the
/// directory knows: an object's first call creates its storage.
pub struct WorkspaceDb {
    stub: Stub,
    workspace_id: String,
    /// The request's slot, whose waiting charge (if any, for this workspace) the first
    /// call carries.
    rate: RateSlot,
}

impl WorkspaceDb {
    pub fn of(state: &AppState, workspace_id: &str) -> Result<Self, ApiError> {
        let stub = state
            .workspaces()?
            .get_by_name(workspace_id)
            .map_err(|e| ApiError::unavailable(format!("workspace object stub: {e}")))?;
        Ok(Self {
            stub,
            workspace_id: workspace_id.to_string(),
            rate: state.rate_slot().clone(),
        })
    }

    /// Sends `request`; `T` is the answer its variant documents.
    pub async fn call<T: DeserializeOwned>(&self, request: &Request) -> Result<T, ApiError> {
        let sent = self.send(request).await?;
        let text = crate::objects::answer_text(sent.res)
            .await
            .map_err(|e| self.failure(request, "answer", &e))?;
        match serde_json::from_str::<Answer<T>>(&text) {
            // Without the decision the answer cannot go out: the limit would not be kept.
            Ok(Answer::Ok(_)) if sent.undecided => Err(self.undecided(request)),
            Ok(Answer::Ok(value)) => Ok(value),
            Ok(Answer::Failed { code, rate }) => Err(failed(&code, rate)),
            Err(e) => Err(ApiError::internal(format!(
                "decoding the workspace object's answer to {request:?}: {e}: {text:.200}"
            ))),
        }
    }

    /// Sends `request`, whose answer is the client's response body when it succeeds
    /// ([`Request::answers_a_body`]): that body is handed on as the platform's stream,
    /// never read into the worker.
    pub async fn call_body(&self, request: &Request) -> Result<PassedBody, ApiError> {
        let sent = self.send(request).await?;
        let is_body = sent.res.headers().get(BODY_HEADER).ok().flatten().is_some();
        if is_body {
            if sent.undecided {
                return Err(self.undecided(request));
            }
            let raw: worker::web_sys::Response = sent.res.into();
            return raw
                .body()
                .map(PassedBody::new)
                .ok_or_else(|| self.failure(request, "answer", &"a body without its stream"));
        }
        let text = crate::objects::answer_text(sent.res)
            .await
            .map_err(|e| self.failure(request, "answer", &e))?;
        match serde_json::from_str::<Answer<serde::de::IgnoredAny>>(&text) {
            Ok(Answer::Failed { code, rate }) => Err(failed(&code, rate)),
            Ok(Answer::Ok(_)) => Err(self.failure(request, "answer", &"an answer, not a body")),
            Err(e) => Err(ApiError::internal(format!(
                "decoding the workspace object's answer to {request:?}: {e}: {text:.200}"
            ))),
        }
    }

    /// Sends `request` with the request's waiting charge, if any is this workspace's,
    /// and records the charge's decision.
    async fn send(&self, request: &Request) -> Result<Sent, ApiError> {
        let body = serde_json::to_string(request).map_err(|e| ApiError::internal(e.to_string()))?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_body(Some(body.into()));
        let charged = self.rate.claim(&self.workspace_id);
        if let Some(charge) = &charged {
            let headers = Headers::new();
            let charge =
                serde_json::to_string(charge).map_err(|e| ApiError::internal(e.to_string()))?;
            headers
                .set(CHARGE_HEADER, &charge)
                .map_err(|e| self.failure(request, "charge", &e))?;
            init.with_headers(headers);
        }
        let req = worker::Request::new_with_init("https://workspace/", &init)
            .map_err(|e| self.failure(request, "request", &e))?;
        let res = self
            .stub
            .fetch_with_request(req)
            .await
            .map_err(|e| self.failure(request, "call", &e))?;
        // Only a call that carried a charge has a decision to read (a header read is a
        // call into the platform, on every object call otherwise).
        let decision = charged
            .as_ref()
            .and_then(|_| res.headers().get(BUDGET_HEADER).ok().flatten())
            .and_then(|h| serde_json::from_str::<Decision>(&h).ok());
        if let Some(decision) = decision {
            self.rate.record_spent(decision);
        }
        Ok(Sent {
            res,
            undecided: charged.is_some() && decision.is_none(),
        })
    }

    fn failure(&self, request: &Request, what: &str, e: &dyn std::fmt::Display) -> ApiError {
        ApiError::unavailable(format!(
            "workspace {} {what} for {request:?}: {e}",
            self.workspace_id
        ))
    }

    fn undecided(&self, request: &Request) -> ApiError {
        self.failure(request, "answer", &"no decision on the charge it carried")
    }
}

/// An object's response, and whether it lacks the decision on a charge it carried.
struct Sent {
    res: worker::Response,
    undecided: bool,
}

/// The error of a failed answer.
fn failed(code: &str, rate: Option<Decision>) -> ApiError {
    Answer::error(code, rate)
        .unwrap_or_else(|| ApiError::internal(format!("workspace object answered {code}")))
}

/// Sends `request` to `workspace_id`'s object: the one line every service's calls share.
pub async fn ask<T: DeserializeOwned>(
    state: &AppState,
    workspace_id: &str,
    request: &Request,
) -> Result<T, ApiError> {
    WorkspaceDb::of(state, workspace_id)?.call(request).await
}

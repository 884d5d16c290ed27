//! The ChatFlow worker: one workers-rs service that answers the REST API, the visitor
//! API, the real-time sockets and (through the ASSETS binding) the widget's static files.
//!
//! This file holds only the entry points. Routing lives in [`routes`], pure rules in
//! [`domain`], SQL in [`store`], and the Durable Objects in [`objects`].

pub mod domain;

#[cfg(target_arch = "wasm32")]
mod auth;
#[cfg(target_arch = "wasm32")]
mod cache;
#[cfg(target_arch = "wasm32")]
mod crypto;
#[cfg(target_arch = "wasm32")]
mod error;
#[cfg(target_arch = "wasm32")]
mod extract;
#[cfg(target_arch = "wasm32")]
mod intl;
#[cfg(target_arch = "wasm32")]
mod limits;
#[cfg(target_arch = "wasm32")]
mod objects;
#[cfg(target_arch = "wasm32")]
mod platform;
#[cfg(target_arch = "wasm32")]
mod retention;
#[cfg(target_arch = "wasm32")]
mod routes;
#[cfg(target_arch = "wasm32")]
mod services;
#[cfg(target_arch = "wasm32")]
mod state;
#[cfg(target_arch = "wasm32")]
mod store;
#[cfg(target_arch = "wasm32")]
mod webhooks;

#[cfg(target_arch = "wasm32")]
mod entry {
    use tower_service::Service;
    use worker::{event, Context, Env, MessageBatch, ScheduleContext, ScheduledEvent};

    #[event(fetch)]
    async fn fetch(
        req: worker::web_sys::Request,
        env: Env,
        ctx: Context,
    ) -> worker::Result<worker::web_sys::Response> {
        thread_local! {
            static ROUTER: axum::Router = crate::routes::router();
        }
        let state = crate::state::AppState::for_request(env, ctx);
        let mut req = crate::platform::request(req).await?;
        req.extensions_mut().insert(state.clone());
        // A clone shares the routes; the router's error type is Infallible: every
        // failure is already a response.
        let mut router = ROUTER.with(axum::Router::clone);
        let mut res = router.call(req).await?;
        // How many times the request reached for D1, for devtools and the benchmarks:
        // a message sent with a cached credential should show 0.
        let d1 = format!("d1;desc=\"{} handles\"", state.d1_handles());
        let timing = match res
            .headers()
            .get("server-timing")
            .and_then(|v| v.to_str().ok())
        {
            Some(earlier) => format!("{earlier}, {d1}"),
            None => d1,
        };
        if let Ok(value) = axum::http::HeaderValue::from_str(&timing) {
            res.headers_mut().insert("server-timing", value);
        }
        crate::platform::response(res).await
    }

    /// The daily retention sweep.
    #[event(scheduled)]
    async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
        match crate::retention::sweep(env).await {
            Ok(s) => worker::console_log!(
                "retention sweep: {} admin idempotency keys, {} sessions, {} invitations, {} sign-in failures, {} reply addresses",
                s.idempotency_keys,
                s.sessions,
                s.invitations,
                s.login_failures,
                s.reply_addresses,
            ),
            Err(e) => worker::console_error!("retention sweep failed: {e:?}"),
        }
    }

    /// Both the WEBHOOKS queue and its dead-letter queue deliver here: webhook
    /// deliveries and mail jobs (told apart by a mail job's `mail` field).
    #[event(queue)]
    async fn queue(
        batch: MessageBatch<crate::webhooks::DeliveryJob>,
        env: Env,
        _ctx: Context,
    ) -> worker::Result<()> {
        use crate::services::email::MailJob;
        use crate::webhooks::DeliveryJob;
        use worker::{Message, MessageExt};
        let queue = batch.queue();
        let (mut deliveries, mut mail) = (Vec::new(), Vec::new());
        for raw in batch.raw_iter() {
            let is_mail = js_sys::Reflect::has(&raw.body(), &"mail".into()).unwrap_or(false);
            // A message that no longer decodes is logged and dropped: retrying cannot
            // fix it.
            if is_mail {
                match Message::<MailJob>::try_from(raw) {
                    Ok(m) => mail.push(m),
                    Err(e) => worker::console_error!("undecodable mail job: {e}"),
                }
            } else {
                match Message::<DeliveryJob>::try_from(raw) {
                    Ok(m) => deliveries.push(m),
                    Err(e) => worker::console_error!("undecodable webhook job: {e}"),
                }
            }
        }
        if queue.contains("-dlq") {
            for m in &mail {
                worker::console_error!("mail job {} gave up after its retries", m.body().id);
                m.ack();
            }
        } else if !mail.is_empty() {
            let state = crate::state::AppState::new(env.clone());
            crate::services::email::consume(&state, mail).await;
        }
        if deliveries.is_empty() {
            return Ok(());
        }
        crate::webhooks::consume(&queue, deliveries, env).await
    }

    /// Mail to a chat's reply address (Email Routing).
    #[event(email)]
    async fn email(
        message: worker::ForwardableEmailMessage,
        env: Env,
        ctx: Context,
    ) -> worker::Result<()> {
        let state = crate::state::AppState::for_request(env, ctx);
        crate::services::email::receive(&state, &message).await;
        // A refusal is the message's setReject; an Err here would only crash the glue.
        Ok(())
    }
}

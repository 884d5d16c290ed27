use crate::client::Ctx;

#[crate::e2e_test]
fn health_answers_ok_with_a_request_id(ctx: &Ctx) {
    let resp = ctx.client.send("GET", "/v1/health", &[], None);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["status"], "ok");
    let id = resp.header("x-request-id").expect("X-Request-Id");
    assert!(id.starts_with("req_") && id.len() > 10, "{id}");
}

#[crate::e2e_test]
fn request_ids_differ_per_request(ctx: &Ctx) {
    let a = ctx.client.send("GET", "/v1/health", &[], None);
    let b = ctx.client.send("GET", "/v1/health", &[], None);
    assert_ne!(a.header("x-request-id"), b.header("x-request-id"));
}

#[crate::e2e_test]
fn unknown_route_gets_404_res_001(ctx: &Ctx) {
    let resp = ctx.client.send("GET", "/v1/nope", &[], None);
    resp.assert_error(shared_types::error::ErrorCode::RouteNotFound);
}

#[crate::e2e_test]
fn wrong_method_gets_405_res_002(ctx: &Ctx) {
    let resp = ctx.client.send("DELETE", "/v1/health", &[], None);
    resp.assert_error(shared_types::error::ErrorCode::MethodNotAllowed);
}

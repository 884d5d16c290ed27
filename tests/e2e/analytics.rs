//! Analytics against a hand-made dataset with known answers: chats at both edges of the
//! period, one just outside, a reopened chat, a chat no agent answered, a chat two
//! agents answered, a chat created before the period and closed in it, and a previous
//! period for the trends. Every figure is checked against the hand computation in the
//! comments; agent stats must equal the agent's row of /analytics/agents.

use serde_json::{json, Value};
use shared_types::error::ErrorCode;

use crate::client::{Ctx, TestWorkspace};

struct Seeded {
    ws: TestWorkspace,
    a: String,
    b: String,
    c: String,
}

/// One chat row; times are RFC 3339 UTC strings or None.
#[allow(clippy::too_many_arguments)]
fn chat(
    id: &str,
    agent: Option<&str>,
    status: &str,
    created: &str,
    response_after_s: Option<i64>,
    closed: Option<&str>,
    reopened: u32,
    replied: u32,
    rating: Option<(u8, &str)>,
) -> String {
    let q = |s: Option<String>| s.map_or("NULL".to_string(), |s| format!("'{s}'"));
    let first_response = response_after_s
        .map(|s| format!("strftime('%Y-%m-%dT%H:%M:%SZ', '{created}', '+{s} seconds')"));
    format!(
        "INSERT INTO chats (id, visitor_id, status, assigned_to, last_activity_at,
            first_visitor_message_at, first_response_at, closed_at, reopened_count, agents_replied,
            rating_score, rated_at, created_at, updated_at)
         VALUES ('{id}', '{{visitor}}', '{status}', {agent}, '{created}', '{created}',
            {first_response}, {closed}, {reopened}, {replied}, {score}, {rated}, '{created}', '{created}');",
        agent = q(agent.map(String::from)),
        first_response = first_response.unwrap_or_else(|| "NULL".into()),
        closed = q(closed.map(String::from)),
        score = rating.map_or("NULL".to_string(), |r| r.0.to_string()),
        rated = q(rating.map(|r| r.1.to_string())),
    )
}

fn seed(ctx: &Ctx) -> Seeded {
    let ws = ctx.workspace();
    let a = ws.owner.id.as_str().to_string();
    let add = |name: &str| {
        let agent: Value = ws
            .post(
                "/v1/agents",
                &json!({"name": name, "email": format!("{}@example.com", name.to_lowercase()), "role": "operator"}),
            )
            .expect(201);
        agent["id"].as_str().unwrap_or_default().to_string()
    };
    let (b, c) = (add("Bobur"), add("Charos"));
    let visitor = format!("visitor_seed{}", ws.id.trim_start_matches("ws_"));
    let (a_, b_) = (Some(a.as_str()), Some(b.as_str()));
    let rows = [
        // In the period 2026-03-01..2026-03-10.
        chat(
            "c1",
            a_,
            "closed",
            "2026-03-01T00:00:00Z",
            Some(60),
            Some("2026-03-01T00:30:00Z"),
            0,
            1,
            Some((5, "2026-03-01T01:00:00Z")),
        ),
        chat(
            "c2",
            a_,
            "closed",
            "2026-03-05T10:00:00Z",
            Some(120),
            Some("2026-03-05T11:00:00Z"),
            1,
            1,
            Some((4, "2026-03-05T12:00:00Z")),
        ),
        chat(
            "c3",
            b_,
            "assigned",
            "2026-03-10T23:59:59Z",
            Some(30),
            None,
            0,
            1,
            None,
        ),
        chat(
            "c4",
            b_,
            "closed",
            "2026-03-07T08:00:00Z",
            None,
            Some("2026-03-07T08:10:00Z"),
            0,
            0,
            Some((2, "2026-03-07T09:00:00Z")),
        ),
        chat(
            "c5",
            None,
            "closed",
            "2026-03-03T00:00:00Z",
            Some(90),
            Some("2026-03-03T01:30:00Z"),
            0,
            2,
            None,
        ),
        // Just after the period: counts nowhere.
        chat(
            "c6",
            a_,
            "closed",
            "2026-03-11T00:00:00Z",
            Some(10),
            Some("2026-03-11T00:05:00Z"),
            0,
            1,
            Some((1, "2026-03-11T00:06:00Z")),
        ),
        // The period before (2026-02-19..2026-02-28).
        chat(
            "c7",
            a_,
            "assigned",
            "2026-02-28T23:59:59Z",
            Some(200),
            None,
            0,
            1,
            None,
        ),
        chat(
            "c8",
            b_,
            "assigned",
            "2026-02-20T10:00:00Z",
            Some(100),
            None,
            0,
            1,
            None,
        ),
        // Created before, closed and rated in the period.
        chat(
            "c9",
            a_,
            "closed",
            "2026-02-25T00:00:00Z",
            None,
            Some("2026-03-02T00:00:00Z"),
            0,
            1,
            Some((3, "2026-03-02T01:00:00Z")),
        ),
    ];
    let suffix = ws.id.trim_start_matches("ws_").to_string();
    let mut sql = format!(
        "INSERT INTO visitors (id, created_at, last_seen_at)
         VALUES ('{visitor}', '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z');"
    );
    for row in rows {
        sql.push_str(
            &row.replace("{visitor}", &visitor)
                .replace("VALUES ('c", &format!("VALUES ('chat_{suffix}c")),
        );
    }
    ctx.server.workspace_sql(&ws.id, &sql);
    Seeded { ws, a, b, c }
}

const PERIOD: &str = "from=2026-03-01&to=2026-03-10";

#[crate::e2e_test]
fn every_metric_matches_the_hand_computed_answer(ctx: &Ctx) {
    let s = seed(ctx);
    let overview = s.ws.get(&format!("/v1/analytics/overview?{PERIOD}")).json();
    assert_eq!(
        overview,
        json!({
            "period": {"from": "2026-03-01", "to": "2026-03-10"},
            "metrics": {
                // c1..c5 created in the period.
                "total_chats": 5,
                // (60 + 120 + 30 + 90) / 4; c4 had no reply.
                "avg_response_time_seconds": 75,
                // Closed in the period: c1 30, c2 60, c4 10, c5 90, c9 7200 → 7390 / 5.
                "avg_resolution_time_minutes": 1478,
                // Rated in the period: 5, 4, 2, 3.
                "csat_score": 3.5,
                // c1, c4, c9 (c2 reopened, c5 needed two agents) of 5 closed.
                "first_contact_resolution_rate": 0.6
            },
            "trends": {
                // 5 against 3 (c7, c8, c9).
                "chats_change_percent": 66.7,
                // 75 s against (200 + 100) / 2 = 150 s.
                "response_time_change_percent": -50.0
            }
        })
    );
    // The caller's own workspace may be named.
    let named =
        s.ws.get(&format!(
            "/v1/analytics/overview?{PERIOD}&workspace_id={}",
            s.ws.id
        ))
        .json();
    assert_eq!(named, overview);

    let agents =
        s.ws.get(&format!(
            "/v1/analytics/agents?{PERIOD}&sort_by=response_time"
        ))
        .json();
    let row =
        |id: &str, name: &str, total: u64, resolved: u64, response: Value, csat: Value, n: u64| {
            json!({"agent_id": id, "name": name, "total_chats": total, "resolved_chats": resolved,
               "avg_response_time_seconds": response, "csat_score": csat, "csat_responses": n})
        };
    let owner_name = s.ws.owner.name.clone();
    // A: c1, c2 (both closed), replies 60 and 120; ratings of c1, c2, c9: 5, 4, 3.
    let a = row(&s.a, &owner_name, 2, 2, json!(90), json!(4.0), 3);
    // B: c3 (open), c4 (closed); one reply, 30 s; c4 rated 2.
    let b = row(&s.b, "Bobur", 2, 1, json!(30), json!(2.0), 1);
    let c = row(&s.c, "Charos", 0, 0, Value::Null, Value::Null, 0);
    assert_eq!(
        agents,
        json!({"data": [b, a, c]}),
        "fastest first, no replies last"
    );
    let by_csat =
        s.ws.get(&format!("/v1/analytics/agents?{PERIOD}&sort_by=csat_score"))
            .json();
    assert_eq!(by_csat, json!({"data": [a, b, c]}));
    let by_chats = s.ws.get(&format!("/v1/analytics/agents?{PERIOD}")).json();
    assert_eq!(by_chats["data"][2], c, "total_chats by default, most first");

    // Agent stats are the agent's row, plus resolution: A's closed c1 30, c2 60, c9 7200.
    for (id, agent_row, resolution) in [
        (&s.a, &a, json!(2430)),
        (&s.b, &b, json!(10)),
        (&s.c, &c, Value::Null),
    ] {
        let stats = s.ws.get(&format!("/v1/agents/{id}/stats?{PERIOD}")).json();
        assert_eq!(stats["agent_id"], id.as_str());
        assert_eq!(
            stats["period"],
            json!({"from": "2026-03-01", "to": "2026-03-10"})
        );
        for field in [
            "total_chats",
            "resolved_chats",
            "avg_response_time_seconds",
            "csat_score",
            "csat_responses",
        ] {
            assert_eq!(stats["stats"][field], agent_row[field], "{id} {field}");
        }
        assert_eq!(
            stats["stats"]["avg_resolution_time_minutes"], resolution,
            "{id}"
        );
    }
}

#[crate::e2e_test]
fn bad_parameters_get_400_or_404_with_the_envelope(ctx: &Ctx) {
    let s = seed(ctx);
    let before = s.ws.get(&format!("/v1/analytics/overview?{PERIOD}")).json();
    for query in [
        "from=2026-03-10&to=2026-03-01",
        "from=2026-02-30",
        "from=yesterday",
        "to=2026-13-01",
        "from=2025-01-01&to=2026-01-02",
        "tz=Mars/Olympus_Mons",
        "tz=Asia%2FTash%20kent",
        "tz=",
    ] {
        s.ws.get(&format!("/v1/analytics/overview?{query}"))
            .assert_error(ErrorCode::InvalidQuery);
        s.ws.get(&format!("/v1/analytics/agents?{query}"))
            .assert_error(ErrorCode::InvalidQuery);
        s.ws.get(&format!("/v1/agents/{}/stats?{query}", s.a))
            .assert_error(ErrorCode::InvalidQuery);
    }
    s.ws.get("/v1/analytics/agents?sort_by=fastest")
        .assert_error(ErrorCode::InvalidQuery);
    let other = ctx.workspace();
    s.ws.get(&format!("/v1/analytics/overview?workspace_id={}", other.id))
        .assert_error(ErrorCode::WorkspaceNotFound);
    s.ws.get(&format!("/v1/agents/{}/stats", other.owner.id.as_str()))
        .assert_error(ErrorCode::AgentNotFound);
    s.ws.get("/v1/agents/agent_nope/stats")
        .assert_error(ErrorCode::AgentNotFound);
    // Reading changed nothing.
    assert_eq!(
        s.ws.get(&format!("/v1/analytics/overview?{PERIOD}")).json(),
        before
    );
}

#[crate::e2e_test]
fn an_empty_period_gives_zeros_and_nulls(ctx: &Ctx) {
    let ws = ctx.workspace();
    let overview = ws
        .get("/v1/analytics/overview?from=2020-01-01&to=2020-01-31")
        .json();
    assert_eq!(
        overview["metrics"],
        json!({"total_chats": 0, "avg_response_time_seconds": null, "avg_resolution_time_minutes": null,
               "csat_score": null, "first_contact_resolution_rate": null})
    );
    assert_eq!(
        overview["trends"],
        json!({"chats_change_percent": null, "response_time_change_percent": null})
    );
    // Without dates: the last 30 days, today included.
    let default = ws.get("/v1/analytics/overview").json();
    let from = crate::client::utc_date_days_ago(29);
    assert_eq!(default["period"]["from"], from.as_str(), "{default}");
}

fn overview_in(s: &Seeded, tz: &str) -> Value {
    s.ws.get(&format!("/v1/analytics/overview?{PERIOD}&tz={tz}"))
        .json()
}

#[crate::e2e_test]
fn days_follow_the_time_zone_of_tz(ctx: &Ctx) {
    let s = seed(ctx);
    // UTC+5: 1..10 March is [28 Feb 19:00, 10 Mar 19:00) UTC. c7 (28 Feb 23:59:59) moves
    // in, c3 (10 Mar 23:59:59) moves out. The period before, [18 Feb 19:00, 28 Feb
    // 19:00), holds c8 and c9. Tashkent's edges are whole hours (hourly rollups);
    // Kolkata's (UTC+5:30) are not, so it sums the chats themselves; both hold the same
    // chats here and must agree.
    let east = json!({
        "period": {"from": "2026-03-01", "to": "2026-03-10"},
        "metrics": {
            // c1, c2, c4, c5, c7.
            "total_chats": 5,
            // (60 + 120 + 90 + 200) / 4 = 117.5.
            "avg_response_time_seconds": 118,
            // Closed: c1, c2, c4, c5, c9 as in UTC.
            "avg_resolution_time_minutes": 1478,
            "csat_score": 3.5,
            "first_contact_resolution_rate": 0.6
        },
        "trends": {
            // 5 against 2.
            "chats_change_percent": 150.0,
            // 118 against c8's 100.
            "response_time_change_percent": 18.0
        }
    });
    assert_eq!(overview_in(&s, "Asia/Tashkent"), east);
    assert_eq!(overview_in(&s, "Asia/Kolkata"), east);
    // UTC-5 (UTC-4 from 8 March): [1 Mar 05:00, 11 Mar 04:00) UTC. c1 moves out to the
    // period before; c3 and c6 (11 Mar 00:00) move in.
    assert_eq!(
        overview_in(&s, "America/New_York"),
        json!({
            "period": {"from": "2026-03-01", "to": "2026-03-10"},
            "metrics": {
                // c2, c3, c4, c5, c6.
                "total_chats": 5,
                // (120 + 30 + 90 + 10) / 4 = 62.5.
                "avg_response_time_seconds": 63,
                // c2 60, c4 10, c5 90, c6 5, c9 7200 → 7365 / 5.
                "avg_resolution_time_minutes": 1473,
                // c2 4, c4 2, c9 3, c6 1.
                "csat_score": 2.5,
                // c4, c6, c9 of 5.
                "first_contact_resolution_rate": 0.6
            },
            "trends": {
                // 5 against c1, c7, c8, c9.
                "chats_change_percent": 25.0,
                // 63 against (60 + 200 + 100) / 3 = 120.
                "response_time_change_percent": -47.5
            }
        })
    );
    // UTC by any name is the plain answer.
    let utc = s.ws.get(&format!("/v1/analytics/overview?{PERIOD}")).json();
    assert_eq!(overview_in(&s, "UTC"), utc);
    assert_eq!(overview_in(&s, "Etc/UTC"), utc);
    // Agents in a zone: B's c3 moves out of Tashkent's period.
    let agents =
        s.ws.get(&format!(
            "/v1/analytics/agents?{PERIOD}&tz=Asia/Tashkent&sort_by=total_chats"
        ))
        .json();
    let b_row = agents["data"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["agent_id"] == s.b.as_str()))
        .cloned()
        .unwrap_or_default();
    assert_eq!(b_row["total_chats"], 1, "{agents}");
    assert_eq!(b_row["avg_response_time_seconds"], Value::Null, "{agents}");
    let stats =
        s.ws.get(&format!(
            "/v1/agents/{}/stats?{PERIOD}&tz=Asia/Tashkent",
            s.b
        ))
        .json();
    assert_eq!(stats["stats"]["total_chats"], 1, "{stats}");
}

#[crate::e2e_test]
fn figures_follow_a_reassignment_made_through_the_api(ctx: &Ctx) {
    let s = seed(ctx);
    let suffix = s.ws.id.trim_start_matches("ws_").to_string();
    let row_of = |agents: &Value, id: &str| {
        agents["data"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["agent_id"] == id))
            .cloned()
            .unwrap_or_default()
    };
    // c3 (B's open chat, replied in 30 s) goes to C: B keeps c4 only, C gains c3.
    s.ws.patch(
        &format!("/v1/chats/chat_{suffix}c3"),
        &json!({"assigned_to": s.c}),
    )
    .expect::<Value>(200);
    let agents = s.ws.get(&format!("/v1/analytics/agents?{PERIOD}")).json();
    let (b, c) = (row_of(&agents, &s.b), row_of(&agents, &s.c));
    assert_eq!(
        (
            b["total_chats"].clone(),
            b["avg_response_time_seconds"].clone()
        ),
        (json!(1), Value::Null),
        "{agents}"
    );
    assert_eq!(
        (
            c["total_chats"].clone(),
            c["resolved_chats"].clone(),
            c["avg_response_time_seconds"].clone()
        ),
        (json!(1), json!(0), json!(30)),
        "{agents}"
    );
    // Closing it now counts it resolved among the chats created in the period; the
    // closing itself happens today, outside the period.
    s.ws.patch(
        &format!("/v1/chats/chat_{suffix}c3"),
        &json!({"status": "closed"}),
    )
    .expect::<Value>(200);
    let agents = s.ws.get(&format!("/v1/analytics/agents?{PERIOD}")).json();
    assert_eq!(row_of(&agents, &s.c)["resolved_chats"], 1, "{agents}");
    let overview = s.ws.get(&format!("/v1/analytics/overview?{PERIOD}")).json();
    assert_eq!(overview["metrics"]["total_chats"], 5, "{overview}");
    assert_eq!(
        overview["metrics"]["avg_resolution_time_minutes"], 1478,
        "closed today, so not in the period's resolution: {overview}"
    );
    let today = s.ws.get("/v1/analytics/overview?from=2026-03-01").json();
    assert_eq!(
        today["metrics"]["total_chats"], 6,
        "c1..c6 from 1 March to today: {today}"
    );
}

#[crate::e2e_test]
fn a_daily_series_adds_up_to_the_overview(ctx: &Ctx) {
    let s = seed(ctx);
    let daily = s.ws.get(&format!("/v1/analytics/daily?{PERIOD}")).json();
    assert_eq!(
        daily["period"],
        json!({"from": "2026-03-01", "to": "2026-03-10"})
    );
    let data = daily["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(data.len(), 10, "{daily}");
    let on = |date: &str| {
        data.iter()
            .find(|d| d["date"] == date)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        on("2026-03-01"),
        json!({"date": "2026-03-01", "total_chats": 1, "resolved_chats": 1,
               "avg_response_time_seconds": 60, "closed_chats": 1,
               "avg_resolution_time_minutes": 30, "first_contact_resolution_rate": 1.0,
               "csat_score": 5.0, "csat_responses": 1})
    );
    // c9, created in February, closed and rated on 2 March.
    assert_eq!(
        on("2026-03-02"),
        json!({"date": "2026-03-02", "total_chats": 0, "resolved_chats": 0,
               "avg_response_time_seconds": null, "closed_chats": 1,
               "avg_resolution_time_minutes": 7200, "first_contact_resolution_rate": 1.0,
               "csat_score": 3.0, "csat_responses": 1})
    );
    assert_eq!(
        on("2026-03-04"),
        json!({"date": "2026-03-04", "total_chats": 0, "resolved_chats": 0,
               "avg_response_time_seconds": null, "closed_chats": 0,
               "avg_resolution_time_minutes": null, "first_contact_resolution_rate": null,
               "csat_score": null, "csat_responses": 0})
    );
    let sum = |field: &str| {
        data.iter()
            .map(|d| d[field].as_u64().unwrap_or(0))
            .sum::<u64>()
    };
    assert_eq!(
        (
            sum("total_chats"),
            sum("closed_chats"),
            sum("csat_responses")
        ),
        (5, 5, 4)
    );
    assert_eq!(
        data.iter().map(|d| d["date"].clone()).collect::<Vec<_>>()[..2],
        [json!("2026-03-01"), json!("2026-03-02")],
        "oldest first"
    );

    // Tashkent's 1 March also holds c7 (28 Feb 23:59:59 UTC); Kolkata's (summed from
    // the chats, not the rollups) holds the same.
    let east =
        s.ws.get(&format!("/v1/analytics/daily?{PERIOD}&tz=Asia/Tashkent"))
            .json();
    assert_eq!(east["data"][0]["total_chats"], 2, "{east}");
    assert_eq!(east["data"][0]["avg_response_time_seconds"], 130, "{east}");
    let kolkata =
        s.ws.get(&format!("/v1/analytics/daily?{PERIOD}&tz=Asia/Kolkata"))
            .json();
    assert_eq!(kolkata, east);

    // Every day of a zone whose clock changes inside the range (New York, 8 March) and
    // of one that sums the chats (Kolkata) is what the overview of that day alone says.
    for zone in ["America/New_York", "Asia/Kolkata", "Asia/Tashkent"] {
        let series =
            s.ws.get(&format!("/v1/analytics/daily?{PERIOD}&tz={zone}"))
                .json();
        let rows = series["data"].as_array().cloned().unwrap_or_default();
        assert_eq!(rows.len(), 10, "{zone}: {series}");
        for row in rows {
            let date = row["date"].as_str().unwrap_or_default();
            let day =
                s.ws.get(&format!(
                    "/v1/analytics/overview?from={date}&to={date}&tz={zone}"
                ))
                .json();
            let m = &day["metrics"];
            assert_eq!(
                (
                    &row["total_chats"],
                    &row["avg_response_time_seconds"],
                    &row["avg_resolution_time_minutes"],
                    &row["csat_score"],
                    &row["first_contact_resolution_rate"]
                ),
                (
                    &m["total_chats"],
                    &m["avg_response_time_seconds"],
                    &m["avg_resolution_time_minutes"],
                    &m["csat_score"],
                    &m["first_contact_resolution_rate"]
                ),
                "{zone} {date}: {row} against {day}"
            );
        }
    }

    // One agent: B has c4 (7 March) and c3 (10 March).
    let b =
        s.ws.get(&format!("/v1/analytics/daily?{PERIOD}&agent_id={}", s.b))
            .json();
    let totals: Vec<(String, u64)> = b["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["total_chats"] != 0)
        .map(|d| {
            (
                d["date"].as_str().unwrap_or_default().to_string(),
                d["total_chats"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        totals,
        [("2026-03-07".to_string(), 1), ("2026-03-10".to_string(), 1)]
    );

    let other = ctx.workspace();
    s.ws.get(&format!(
        "/v1/analytics/daily?agent_id={}",
        other.owner.id.as_str()
    ))
    .assert_error(ErrorCode::AgentNotFound);
    for query in [
        "from=2025-01-01&to=2026-01-02",
        "from=2026-03-10&to=2026-03-01",
        "tz=Nowhere/Special",
    ] {
        s.ws.get(&format!("/v1/analytics/daily?{query}"))
            .assert_error(ErrorCode::InvalidQuery);
    }
    assert_eq!(
        s.ws.get(&format!("/v1/analytics/daily?{PERIOD}")).json(),
        daily,
        "reading changed nothing"
    );
}

//! The assessment of a case as stored: the route report of `qonys-i18n` made by
//! `qonys_law::assess` on the case's facts, kept with the rule-pack id and version, the as-of
//! date and the facts it used ([`store_current`]); `POST /cases/{id}/assessment` re-runs it on
//! demand; and the diff between the newest two stored assessments — routes whose verdict
//! changed and clauses whose outcome flipped ([`diff`]).

use axum::extract::{Path, RawForm, State};
use axum::http::HeaderMap;
use axum::response::Response;
use qonys_i18n::report::assessment_report;
use qonys_law::Lang;
use qonys_store::{Actor, Assessment, Case, NewAssessment, StoreError};
use serde_json::Value;

use crate::AppState;
use crate::auth::{Staff, load_case};
use crate::lang::Tr;
use crate::pages::form_pairs;
use crate::workbench::facts::see_case;
use crate::workbench::{actor, bind_case, store, store_failed, urgency, when};

/// The language stored reports are written in: the case's.
fn report_lang(case: &Case) -> Lang {
    crate::lang::parse(&case.language).unwrap_or(Lang::En)
}

/// Assesses the case as it stands now and keeps the report with the pack version, as-of
/// date and facts it used.
pub async fn store_current(
    st: &AppState,
    actor: &Actor,
    case: &Case,
) -> Result<Assessment, StoreError> {
    let store = st.store().ok_or(StoreError::NotFound { what: "store" })?;
    let pack = st.pack();
    let as_of = st.as_of();
    let b = bind_case(pack, case);
    let a = qonys_law::assess(pack, &b.facts, as_of);
    let report = assessment_report(pack, &a, st.messages(), report_lang(case));
    let report = serde_json::to_value(&report).unwrap_or(Value::Null);
    store
        .store_assessment(
            actor,
            NewAssessment {
                case_id: case.id,
                pack_id: pack.meta.id.clone(),
                pack_version: pack.meta.version.clone(),
                as_of: super::to_civil(as_of).unwrap_or_default(),
                facts: case.facts.clone(),
                report,
            },
        )
        .await
}

/// One route of a stored assessment, for the page.
#[derive(Debug, Clone)]
pub struct RouteRow {
    /// Route name in the page's language.
    pub name: String,
    /// Verdict id (`fits`, …).
    pub verdict: String,
    /// Verdict in words.
    pub verdict_label: String,
    /// The route's summary.
    pub summary: String,
}

/// A clause whose outcome flipped.
#[derive(Debug, Clone)]
pub struct ClauseFlip {
    /// The clause's text (as the newer report words it).
    pub text: String,
    /// Outcome before, in words.
    pub before: String,
    /// Outcome after, in words.
    pub after: String,
}

/// A route that changed between two assessments.
#[derive(Debug, Clone)]
pub struct RouteDiff {
    /// Route name.
    pub name: String,
    /// Verdict before, in words.
    pub before: String,
    /// Verdict after, in words.
    pub after: String,
    /// Whether the verdict itself changed (else only clauses flipped).
    pub verdict_changed: bool,
    /// Clauses that flipped.
    pub clauses: Vec<ClauseFlip>,
}

/// The stored assessment shown on the case page.
#[derive(Debug, Clone, Default)]
pub struct AssessmentView {
    /// Whether any assessment is stored.
    pub present: bool,
    /// "pack kz-residence 1.0, as of 1 June 2026, made … by …".
    pub provenance: String,
    /// Routes, best first.
    pub routes: Vec<RouteRow>,
    /// The case's facts changed since (or the pack is another version): re-run.
    pub stale: bool,
    /// Whether there is a previous assessment to compare with.
    pub has_previous: bool,
    /// Changes against the previous assessment.
    pub diff: Vec<RouteDiff>,
}

fn verdict_label(t: Tr<'_>, v: &str) -> String {
    if v.is_empty() {
        t.get("wb-verdict-absent")
    } else {
        t.get(&format!("verdict-{v}"))
    }
}

fn route_name(st: &AppState, t: Tr<'_>, r: &Value) -> String {
    let id = r["id"].as_str().unwrap_or("");
    st.pack()
        .route_idx(id)
        .map(|i| st.pack().routes[i].name.get(t.lang).to_string())
        .unwrap_or_else(|| r["name"].as_str().unwrap_or(id).to_string())
}

fn routes(report: &Value) -> &[Value] {
    report["routes"].as_array().map_or(&[], Vec::as_slice)
}

/// What changed from `old` to `new` (two stored reports): per route, the verdict and the
/// clauses whose outcome differs; routes that appear or disappear count as changed.
pub fn diff(st: &AppState, t: Tr<'_>, old: &Value, new: &Value) -> Vec<RouteDiff> {
    let mut out = Vec::new();
    let find = |rs: &[Value], id: &str| rs.iter().find(|r| r["id"] == id).cloned();
    let mut ids: Vec<String> = routes(new)
        .iter()
        .chain(routes(old))
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect();
    let mut seen = std::collections::HashSet::new();
    ids.retain(|i| seen.insert(i.clone()));
    for id in ids {
        let o = find(routes(old), &id).unwrap_or(Value::Null);
        let n = find(routes(new), &id).unwrap_or(Value::Null);
        let ov = o["verdict"].as_str().unwrap_or("");
        let nv = n["verdict"].as_str().unwrap_or("");
        let empty = Vec::new();
        let oc = o["clauses"].as_array().unwrap_or(&empty);
        let nc = n["clauses"].as_array().unwrap_or(&empty);
        let clauses: Vec<ClauseFlip> = nc
            .iter()
            .filter_map(|c| {
                let before = oc.iter().find(|x| x["id"] == c["id"])?;
                (before["outcome"] != c["outcome"]).then(|| ClauseFlip {
                    text: c["text"].as_str().unwrap_or("").to_string(),
                    before: before["outcome_label"]
                        .as_str()
                        .or(before["outcome"].as_str())
                        .unwrap_or("")
                        .to_string(),
                    after: c["outcome_label"]
                        .as_str()
                        .or(c["outcome"].as_str())
                        .unwrap_or("")
                        .to_string(),
                })
            })
            .collect();
        if ov != nv || !clauses.is_empty() {
            out.push(RouteDiff {
                name: route_name(st, t, if n.is_null() { &o } else { &n }),
                before: verdict_label(t, ov),
                after: verdict_label(t, nv),
                verdict_changed: ov != nv,
                clauses,
            });
        }
    }
    out
}

/// The view of a case's stored assessments (newest first, as the store returns them).
pub async fn view(st: &AppState, t: Tr<'_>, case: &Case, stored: &[Assessment]) -> AssessmentView {
    let Some(latest) = stored.first() else {
        return AssessmentView::default();
    };
    let by = match (latest.created_by, st.store()) {
        (Some(id), Some(s)) => s.user(id).await.map(|u| u.display_name).unwrap_or_default(),
        _ => t.get("wb-by-public"),
    };
    let as_of = super::from_civil(latest.as_of)
        .map(|d| qonys_i18n::format::date(t.lang, d))
        .unwrap_or_default();
    let provenance = t.fmt(
        "wb-assessment-provenance",
        &[
            ("pack", &latest.pack_id),
            ("version", &latest.pack_version),
            ("date", &as_of),
            ("when", &when(latest.created_at)),
            ("who", &by),
        ],
    );
    let pack = st.pack();
    let rows = routes(&latest.report)
        .iter()
        .map(|r| {
            let v = r["verdict"].as_str().unwrap_or("").to_string();
            RouteRow {
                name: route_name(st, t, r),
                verdict_label: verdict_label(t, &v),
                verdict: v,
                summary: r["id"]
                    .as_str()
                    .and_then(|id| pack.route_idx(id))
                    .map(|i| pack.routes[i].summary.get(t.lang).to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    AssessmentView {
        present: true,
        provenance,
        routes: rows,
        stale: latest.facts != case.facts
            || latest.pack_version != pack.meta.version
            || latest.pack_id != pack.meta.id,
        has_previous: stored.len() > 1,
        diff: stored
            .get(1)
            .map(|prev| diff(st, t, &prev.report, &latest.report))
            .unwrap_or_default(),
    }
}

/// `POST /cases/{id}/assessment`: re-runs the assessment on the case as it stands, stores it
/// (the diff against the previous one shows on the page) and refreshes the urgency.
pub async fn rerun(
    State(st): State<AppState>,
    Staff(viewer): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let form = form_pairs(&body);
    if let Err(r) = viewer.check_csrf(&headers, &form) {
        return r;
    }
    let case = match load_case(&st, &viewer, &id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(r) = store(&st) {
        return r;
    }
    let a = actor(&viewer);
    if let Err(e) = store_current(&st, &a, &case).await {
        return store_failed(&e, Some(case.id));
    }
    if let Err(e) = urgency::refresh_urgency(&st, &a, case.id).await {
        return store_failed(&e, Some(case.id));
    }
    see_case(case.id, "assessment")
}

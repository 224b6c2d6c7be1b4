//! The JSON API, version 1:
//!
//! - `POST /api/v1/assess[?lang=en|ru|kk][&as_of=YYYY-MM-DD]` — a case file as JSON in, the
//!   [`AssessmentReport`] out (the same JSON `qonys assess --format json` prints);
//! - `GET /api/v1/rules[?lang=]` — the pack's routes with their clauses and citations;
//! - `GET /api/v1/openapi.json` — the OpenAPI 3.1 description of this API, written here by
//!   hand, with the report's schema generated from the same Rust types (no network needed).
//!
//! Errors are JSON `{"error": {"status", "message", "errors": [{"field", "message"}]}}`:
//! 400 when the body is not JSON or a query parameter is wrong, 422 when the JSON is read but
//! fields are wrong (every wrong field is named, as `facts.<id>`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use qonys_i18n::report::{AssessmentReport, assessment_report};
use qonys_law::case::{CaseError, FieldError};
use qonys_law::pack::Provenance;
use qonys_law::{CaseFile, Date, Lang, Pack};
use serde_json::{Value, json};

use crate::AppState;
use crate::lang;

/// The query of `POST /api/v1/assess`.
#[derive(Debug, serde::Deserialize)]
pub struct AssessQuery {
    lang: Option<String>,
    as_of: Option<String>,
}

/// The query of `GET /api/v1/rules`.
#[derive(Debug, serde::Deserialize)]
pub struct RulesQuery {
    lang: Option<String>,
}

/// An API error: a status, a message and the wrong fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong.
    pub message: String,
    /// The wrong fields.
    pub errors: Vec<FieldError>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {
                "status": self.status.as_u16(),
                "message": self.message,
                "errors": self.errors.iter().map(|e| json!({"field": e.field, "message": e.message})).collect::<Vec<_>>(),
            }
        });
        (self.status, Json(body)).into_response()
    }
}

/// An API error with its fields.
pub fn error(status: StatusCode, message: &str, errors: &[FieldError]) -> ApiError {
    ApiError {
        status,
        message: message.to_string(),
        errors: errors.to_vec(),
    }
}

fn query_lang(code: Option<&str>) -> Result<Option<Lang>, ApiError> {
    match code {
        None => Ok(None),
        Some(c) => lang::parse(c).map(Some).ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                "unknown language",
                &[FieldError {
                    field: "lang".into(),
                    message: "expected en, ru or kk".into(),
                }],
            )
        }),
    }
}

fn pretty(v: &impl serde::Serialize) -> Response {
    match serde_json::to_string_pretty(v) {
        Ok(s) => (
            StatusCode::OK,
            [(CONTENT_TYPE, "application/json")],
            s + "\n",
        )
            .into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), &[]).into_response(),
    }
}

/// The report for a case file's JSON text, or the error response.
pub fn assess_json(
    st: &AppState,
    body: &[u8],
    lang: Option<Lang>,
    as_of: Date,
) -> Result<AssessmentReport, ApiError> {
    let pack = st.pack();
    let text = std::str::from_utf8(body).map_err(|_| {
        error(
            StatusCode::BAD_REQUEST,
            "the body is not UTF-8 text",
            &[FieldError {
                field: "body".into(),
                message: "expected a JSON case file in UTF-8".into(),
            }],
        )
    })?;
    let case_err = |e: CaseError| match e {
        CaseError::Syntax(m) => error(
            StatusCode::BAD_REQUEST,
            "the body is not a JSON case file",
            &[FieldError {
                field: "body".into(),
                message: m,
            }],
        ),
        CaseError::Fields(errors) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "some fields of the case are wrong",
            &errors,
        ),
    };
    let case = CaseFile::parse_json(text).map_err(case_err)?;
    let facts = case.bind(pack).map_err(case_err)?;
    let lang = lang.or(case.meta.language).unwrap_or(Lang::En);
    let a = qonys_law::assess(pack, &facts, as_of);
    Ok(assessment_report(pack, &a, st.messages(), lang))
}

/// `POST /api/v1/assess`.
pub async fn assess(
    State(st): State<AppState>,
    Query(q): Query<AssessQuery>,
    body: Bytes,
) -> Response {
    let lang = match query_lang(q.lang.as_deref()) {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let as_of = match q.as_of.as_deref() {
        None => st.as_of(),
        Some(s) => match Date::parse(s) {
            Ok(d) => d,
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "bad as_of date",
                    &[FieldError {
                        field: "as_of".into(),
                        message: e.to_string(),
                    }],
                )
                .into_response();
            }
        },
    };
    match assess_json(&st, &body, lang, as_of) {
        Ok(report) => pretty(&report),
        Err(e) => e.into_response(),
    }
}

fn citations(pack: &Pack, pv: &Provenance, lang: Lang) -> Vec<Value> {
    pv.cites
        .iter()
        .map(|c| {
            let act = c.act.and_then(|a| pack.act(a));
            json!({
                "act": act.map(|a| a.title.get(lang)),
                "act_reference": act.map(|a| a.reference.clone()),
                "article": c.article.as_deref().map(|x| qonys_i18n::report::localize_article(x, lang)),
                "url": c.url,
                "tier": format!("{:?}", c.tier),
            })
        })
        .collect()
}

fn confidence(pv: &Provenance) -> &'static str {
    if pv.is_uncertain() {
        "uncertain"
    } else {
        "confirmed"
    }
}

/// The routes of a pack with their clauses, exceptions and citations, in one language.
pub fn rule_list(pack: &Pack, lang: Lang) -> Value {
    let period = |p: &qonys_law::pack::Period| json!({"from": p.from.map(|d| d.to_string()), "until": p.until.map(|d| d.to_string())});
    let routes: Vec<Value> = pack
        .routes
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name.get(lang),
                "kind": r.kind,
                "summary": r.summary.get(lang),
                "permit": r.permit.get(lang),
                "effective": period(&r.effective),
                "confidence": confidence(&r.provenance),
                "citations": citations(pack, &r.provenance, lang),
                "clauses": r.clauses.iter().map(|c| json!({
                    "id": c.id,
                    "kind": c.kind,
                    "text": c.text.get(lang),
                    "confidence": confidence(&c.provenance),
                    "effective": period(&c.effective),
                    "citations": citations(pack, &c.provenance, lang),
                    "exceptions": c.exceptions.iter().map(|e| json!({
                        "id": e.id,
                        "text": e.text.get(lang),
                        "confidence": confidence(&e.provenance),
                        "citations": citations(pack, &e.provenance, lang),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "pack": pack.meta.id,
        "pack_version": pack.meta.version,
        "language": lang.code(),
        "routes": routes,
    })
}

/// `GET /api/v1/rules`.
pub async fn rules(State(st): State<AppState>, Query(q): Query<RulesQuery>) -> Response {
    match query_lang(q.lang.as_deref()) {
        Ok(l) => pretty(&rule_list(st.pack(), l.unwrap_or(Lang::En))),
        Err(e) => e.into_response(),
    }
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi_document(pack: &Pack) -> Value {
    let settings = schemars::generate::SchemaSettings::draft2020_12().with(|s| {
        s.definitions_path = "/components/schemas".into();
    });
    let report_schema = settings
        .into_generator()
        .into_root_schema_for::<AssessmentReport>();
    let mut report = report_schema.to_value();
    let mut schemas = report
        .as_object_mut()
        .and_then(|o| o.remove("components"))
        .and_then(|c| c.get("schemas").cloned())
        .and_then(|s| s.as_object().cloned())
        .unwrap_or_default();
    if let Some(o) = report.as_object_mut() {
        o.remove("$schema");
    }
    schemas.insert("AssessmentReport".into(), report);
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["status", "message", "errors"],
                "properties": {
                    "status": {"type": "integer"},
                    "message": {"type": "string"},
                    "errors": {"type": "array", "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {
                            "field": {"type": "string", "description": "The wrong field, as a path: `facts.<fact id>`, `body`, `lang`, `as_of`."},
                            "message": {"type": "string"}
                        }
                    }}
                }
            }}
        }),
    );
    schemas.insert(
        "CaseFile".into(),
        json!({
            "type": "object",
            "description": "A case file as JSON: the same shape as the TOML case files `qonys assess` reads (docs/RULEPACK.md).",
            "properties": {
                "case": {"type": "object", "properties": {
                    "title": {"type": "string"},
                    "language": {"type": "string", "enum": ["en", "ru", "kk"]}
                }, "additionalProperties": false},
                "facts": {"type": "object", "description": "Answers keyed by fact id; \"unknown\" means \"I don't know\"; null means not answered.", "additionalProperties": true},
                "status": {"type": "array"},
                "event": {"type": "array"},
                "document": {"type": "array"}
            },
            "additionalProperties": false
        }),
    );
    let lang_param = json!({"name": "lang", "in": "query", "required": false,
        "schema": {"type": "string", "enum": ["en", "ru", "kk"]},
        "description": "Language of the texts (default: the case's, else English)."});
    let err = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "qonys API",
            "version": "1",
            "summary": "Which legal route to residence in Kazakhstan fits, and why.",
            "description": format!("Assessments under rule pack {} {}. Guidance, not legal representation.", pack.meta.id, pack.meta.version),
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"}
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": {
            "/api/v1/assess": {"post": {
                "operationId": "assess",
                "summary": "Assess every residence route for a case.",
                "parameters": [lang_param, {"name": "as_of", "in": "query", "required": false,
                    "schema": {"type": "string", "format": "date"},
                    "description": "Apply the rules in force on this date (default: today in Kazakhstan)."}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseFile"}}}},
                "responses": {
                    "200": {"description": "The assessment report.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AssessmentReport"}}}},
                    "400": err("The body is not JSON, or a query parameter is wrong."),
                    "403": {"description": "A cross-origin request from a browser page."},
                    "413": {"description": "The body is larger than 256 KiB."},
                    "422": err("Fields of the case are wrong; each is named.")
                }
            }},
            "/api/v1/rules": {"get": {
                "operationId": "rules",
                "summary": "The rule pack's routes with their clauses, exceptions and citations.",
                "parameters": [lang_param],
                "responses": {
                    "200": {"description": "The routes.", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": err("Unknown language.")
                }
            }},
            "/api/v1/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "This document.",
                "responses": {"200": {"description": "OpenAPI 3.1 document.", "content": {"application/json": {"schema": {"type": "object"}}}}}
            }}
        },
        "components": {"schemas": schemas}
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi(State(st): State<AppState>) -> Response {
    pretty(&openapi_document(st.pack()))
}

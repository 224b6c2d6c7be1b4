//! The document chain: which documents a route needs (document kinds and per-route
//! requirements from `documents.toml`, compiled here), the formalities a foreign document
//! needs by issuing country and date ([`formalities`]), the per-route checklist for a case
//! ([`checklist`]) and the consistency checks across one person's documents ([`check`]).
//!
//! Like the rest of the core this is pure: the filing date and the case are parameters.

pub mod check;
pub mod checklist;
pub mod formalities;

use std::collections::{HashMap, HashSet};

use toml::Spanned;

use crate::pack::compile::Arena;
use crate::pack::load::{Files, period, provenance, text_of};
use crate::pack::source::DocumentsFile;
use crate::pack::{Loc, NodeIdx, Period, Provenance, Route, Text, Ty};

pub use crate::pack::source::{IssuedInSrc as IssuedIn, ProvidedBySrc as ProvidedBy};

/// A kind of document (passport, criminal-record certificate, …).
#[derive(Debug, Clone)]
pub struct DocKind {
    /// Identifier used in requirements and case files.
    pub id: String,
    /// Name.
    pub label: Text,
    /// What it is and where it is obtained.
    pub description: Text,
    /// Who provides it.
    pub provided_by: ProvidedBy,
    /// Whether it is a public document needing apostille or legalisation when foreign.
    pub public_document: bool,
    /// Where it is normally issued.
    pub issued_in: IssuedIn,
    /// Whether it identifies its holder (checked against the passport).
    pub identity: bool,
    /// Whether it records a dated event.
    pub event: bool,
    /// Whether it carries text (a photograph does not: no translation).
    pub has_text: bool,
    /// Citations, confidence, review.
    pub provenance: Provenance,
}

/// A route's requirement of a document.
#[derive(Debug, Clone)]
pub struct DocRequirement {
    /// Identifier (`permanent_residence.criminal_record`).
    pub id: String,
    /// Route index in [`crate::Pack::routes`].
    pub route: usize,
    /// Kind index in [`DocumentRules::kinds`].
    pub kind: usize,
    /// Why it is needed.
    pub text: Text,
    /// Condition under which it is needed.
    pub applies_when: Option<NodeIdx>,
    /// At most this many days old on the filing date.
    pub max_age_days: Option<u32>,
    /// Valid more than this many days after the filing date.
    pub min_validity_days: Option<u32>,
    /// When the requirement is in force.
    pub effective: Period,
    /// Citations, confidence, review.
    pub provenance: Provenance,
    /// Where it is defined.
    pub loc: Loc,
}

/// The compiled `documents.toml`.
#[derive(Debug, Clone, Default)]
pub struct DocumentRules {
    /// Document kinds.
    pub kinds: Vec<DocKind>,
    /// Requirements, in file order.
    pub requirements: Vec<DocRequirement>,
}

impl DocumentRules {
    /// The kind with this id.
    pub fn kind_idx(&self, id: &str) -> Option<usize> {
        self.kinds.iter().position(|k| k.id == id)
    }

    /// The kind with this id.
    pub fn kind(&self, id: &str) -> Option<&DocKind> {
        self.kinds.iter().find(|k| k.id == id)
    }

    /// The requirements of one route, in file order.
    pub fn for_route(&self, route: usize) -> impl Iterator<Item = &DocRequirement> {
        self.requirements.iter().filter(move |r| r.route == route)
    }
}

fn valid_id(id: &str, dotted: bool) -> bool {
    !id.is_empty()
        && id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && id.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || (dotted && c == '.')
        })
}

/// Loads `documents.toml` (optional: a pack without it has no document rules).
pub(crate) fn load_rules<'a, C>(
    fs: &mut Files<'a>,
    acts: &HashMap<String, u16>,
    arena: &mut Arena,
    compile: &C,
    routes: &[Route],
    all_ids: &mut HashSet<String>,
) -> DocumentRules
where
    C: Fn(&mut Files<'a>, &mut Arena, &str, &Spanned<String>, bool) -> Option<(NodeIdx, Ty)>,
{
    let f = "documents.toml";
    let mut out = DocumentRules::default();
    if fs.text(f).is_empty() {
        return out;
    }
    let Some(df) = fs.parse::<DocumentsFile>(f) else {
        return out;
    };
    for k in &df.kind {
        let at = k.id.span().start;
        let id = k.id.get_ref().clone();
        if !valid_id(&id, false) {
            fs.error(f, at, format!("document kind id `{id}` must be snake_case"));
        }
        if out.kinds.iter().any(|x| x.id == id) {
            fs.error(f, at, format!("document kind `{id}` is declared twice"));
        }
        let what = format!("document kind `{id}`");
        let label = text_of(fs, f, at, &format!("{what} label"), &k.label);
        let description = text_of(fs, f, at, &format!("{what} description"), &k.description);
        let prov = provenance(
            fs,
            acts,
            f,
            at,
            &what,
            &k.cite,
            k.confidence,
            &k.uncertainty,
            k.reviewed,
        );
        out.kinds.push(DocKind {
            id,
            label,
            description,
            provided_by: k.provided_by,
            public_document: k.public_document,
            issued_in: k.issued_in,
            identity: k.identity,
            event: k.event,
            has_text: k.has_text,
            provenance: prov,
        });
    }
    for r in &df.requirement {
        let at = r.id.span().start;
        let id = r.id.get_ref().clone();
        let what = format!("document requirement `{id}`");
        let route = routes.iter().position(|x| x.id == r.route);
        if route.is_none() {
            let hint = crate::pack::closest(&r.route, routes.iter().map(|x| x.id.as_str()))
                .map(|c| format!(" — did you mean `{c}`?"))
                .unwrap_or_default();
            fs.error(
                f,
                at,
                format!(
                    "{what} names route `{}`, which the pack does not have{hint}",
                    r.route
                ),
            );
        }
        if !id.starts_with(&format!("{}.", r.route)) || !valid_id(&id, true) {
            fs.error(
                f,
                at,
                format!(
                    "{what}: the id must start with the route id (`{}.…`) and be snake_case",
                    r.route
                ),
            );
        }
        if !all_ids.insert(id.clone()) {
            fs.error(f, at, format!("{what}: the id is used twice in the pack"));
        }
        let kind = out.kind_idx(&r.document);
        if kind.is_none() {
            let hint = crate::pack::closest(&r.document, out.kinds.iter().map(|x| x.id.as_str()))
                .map(|c| format!(" — did you mean `{c}`?"))
                .unwrap_or_default();
            fs.error(
                f,
                at,
                format!(
                    "{what} names document `{}`, which is not a `[[kind]]` of documents.toml{hint}",
                    r.document
                ),
            );
        }
        if r.max_age_days == Some(0) || r.min_validity_days == Some(0) {
            fs.error(
                f,
                at,
                format!("{what}: a validity window of 0 days says nothing; leave it out"),
            );
        }
        let text = text_of(fs, f, at, &format!("{what} text"), &r.text);
        let applies_when = r
            .applies_when
            .as_ref()
            .and_then(|s| compile(fs, arena, f, s, true))
            .map(|(n, _)| n);
        let effective = period(fs, f, at, &what, &r.effective);
        let prov = provenance(
            fs,
            acts,
            f,
            at,
            &what,
            &r.cite,
            r.confidence,
            &r.uncertainty,
            r.reviewed,
        );
        let loc = fs.loc(f, at);
        if let (Some(route), Some(kind)) = (route, kind) {
            if out.requirements.iter().any(|x| {
                x.route == route
                    && x.kind == kind
                    && x.applies_when.is_none()
                    && r.applies_when.is_none()
            }) {
                fs.error(
                    f,
                    at,
                    format!(
                        "{what}: route `{}` already requires `{}` unconditionally",
                        r.route, r.document
                    ),
                );
            }
            out.requirements.push(DocRequirement {
                id,
                route,
                kind,
                text,
                applies_when,
                max_age_days: r.max_age_days,
                min_validity_days: r.min_validity_days,
                effective,
                provenance: prov,
                loc,
            });
        }
    }
    out
}

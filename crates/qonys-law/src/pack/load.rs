//! Loading a rule pack: from the folder's files (given as `(path, text)` pairs — the caller
//! does the reading) to a validated, compiled [`Pack`]. Every problem found is collected and
//! reported with the file, line and column and what was expected; a pack with any error is
//! refused as a whole.

use std::collections::{BTreeMap, HashMap, HashSet};

use qonys_time::Date;
use serde::de::DeserializeOwned;
use toml::Spanned;

use super::compile::{Arena, Compiler, Scope, names};
use super::expr;
use super::model::*;
use super::source::*;
use crate::case::{CaseError, Facts, RawValue, bind_table};
use crate::engine::Verdict;

mod continuity;

/// A located problem in a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// File, line and column.
    pub loc: Loc,
    /// What is wrong and what was expected.
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.loc, self.message)
    }
}

/// All the problems found in a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadErrors(pub Vec<LoadError>);

impl std::fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

/// A compiled scenario test.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Identifier.
    pub id: String,
    /// Description.
    pub description: String,
    /// Date of assessment.
    pub as_of: Date,
    /// The raw facts (as a case file would hold them).
    pub raw_facts: BTreeMap<String, RawValue>,
    /// Bound facts.
    pub facts: Facts,
    /// Expected verdicts by route index.
    pub expect: Vec<(usize, Verdict)>,
    /// Expected reasons by route index.
    pub expect_reasons: Vec<(usize, Vec<String>)>,
    /// Expected deciding facts by route index.
    pub expect_missing: Vec<(usize, Vec<FactIdx>)>,
    /// Expected warnings.
    pub expect_warnings: Vec<String>,
    /// Warnings that must not be raised.
    pub expect_no_warnings: Vec<String>,
    /// Where it is defined.
    pub loc: Loc,
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let mut line = 1u32;
    let mut line_start = 0;
    for (i, b) in text.bytes().enumerate().take(offset) {
        if b == b'\n' {
            line += 1;
            line_start = i + 1;
        }
    }
    let col = text
        .get(line_start..offset)
        .map_or(offset - line_start, |s| s.chars().count())
        + 1;
    (line, col as u32)
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }
    candidates
        .map(|c| (distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

pub(crate) struct Files<'a> {
    files: &'a [(String, String)],
    errors: Vec<LoadError>,
}

impl<'a> Files<'a> {
    pub(crate) fn text(&self, file: &str) -> &'a str {
        self.files
            .iter()
            .find(|(p, _)| p == file)
            .map_or("", |(_, t)| t.as_str())
    }

    pub(crate) fn loc(&self, file: &str, offset: usize) -> Loc {
        let (line, col) = line_col(self.text(file), offset);
        Loc {
            file: file.to_string(),
            line,
            col,
        }
    }

    pub(crate) fn error(&mut self, file: &str, offset: usize, message: impl Into<String>) {
        let loc = self.loc(file, offset);
        self.errors.push(LoadError {
            loc,
            message: message.into(),
        });
    }

    pub(crate) fn parse<T: DeserializeOwned>(&mut self, file: &str) -> Option<T> {
        let text = self.text(file);
        match toml::from_str::<T>(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                let msg = e.message().trim().to_string();
                self.error(file, offset, msg);
                None
            }
        }
    }

    /// Offset in the file of byte `at` of the expression stored in `spanned`.
    fn expr_offset(&self, file: &str, spanned: &Spanned<String>, at: usize) -> usize {
        let start = spanned.span().start;
        let text = self.text(file);
        let quote = if text[start.min(text.len())..].starts_with("'''")
            || text[start.min(text.len())..].starts_with("\"\"\"")
        {
            3
        } else {
            1
        };
        start + quote + at
    }
}

pub(crate) fn text_of(
    files: &mut Files<'_>,
    file: &str,
    at: usize,
    what: &str,
    src: &TextSrc,
) -> Text {
    let mut parts: [String; 3] = Default::default();
    for (i, lang) in Lang::ALL.iter().enumerate() {
        match src.get(lang.code()) {
            Some(t) if !t.trim().is_empty() => parts[i] = t.clone(),
            _ => files.error(
                file,
                at,
                format!(
                    "{what} has no `{}` translation (every text needs en, ru and kk)",
                    lang.code()
                ),
            ),
        }
    }
    for key in src.keys() {
        if Lang::parse(key).is_none_or(|l| l.code() != key) {
            files.error(
                file,
                at,
                format!(
                    "{what} has text in `{key}`, which is not a language of this pack (en, ru, kk)"
                ),
            );
        }
    }
    Text::new(&parts[0], &parts[1], &parts[2])
}

pub(crate) fn period(
    files: &mut Files<'_>,
    file: &str,
    at: usize,
    what: &str,
    p: &PeriodSrc,
) -> Period {
    let out = Period {
        from: p.from.map(|d| d.0),
        until: p.until.map(|d| d.0),
    };
    if let (Some(f), Some(u)) = (out.from, out.until)
        && u < f
    {
        files.error(
            file,
            at,
            format!("{what}: effective period ends ({u}) before it starts ({f})"),
        );
    }
    out
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn provenance(
    files: &mut Files<'_>,
    acts: &HashMap<String, u16>,
    file: &str,
    at: usize,
    what: &str,
    cite: &[CitationSrc],
    confidence: Confidence,
    uncertainty: &Option<TextSrc>,
    reviewed: PackDate,
) -> Provenance {
    if cite.is_empty() {
        files.error(
            file,
            at,
            format!("{what} has no citation (`cite = [{{ url = …, tier = … }}]`)"),
        );
    }
    let mut cites = Vec::with_capacity(cite.len());
    for c in cite {
        let act = match &c.act {
            Some(a) => match acts.get(a) {
                Some(&i) => Some(i),
                None => {
                    let hint = closest(a, acts.keys().map(String::as_str))
                        .map(|c| format!(" — did you mean `{c}`?"))
                        .unwrap_or_default();
                    files.error(file, at, format!("{what} cites act `{a}`, which is not in the `[[act]]` register of pack.toml{hint}"));
                    None
                }
            },
            None => None,
        };
        if !(c.url.starts_with("https://") || c.url.starts_with("http://")) {
            files.error(
                file,
                at,
                format!("{what}: citation url `{}` is not a web address", c.url),
            );
        }
        cites.push(Citation {
            act,
            article: c.article.clone(),
            url: c.url.clone(),
            tier: c.tier,
            src_date: c.src_date.map(|d| d.0),
            note: c.note.clone(),
        });
    }
    let uncertainty = match (confidence, uncertainty) {
        (Confidence::Uncertain, None) => {
            files.error(file, at, format!("{what} is uncertain but says nothing to confirm (`uncertainty = {{ en, ru, kk }}`)"));
            None
        }
        (_, Some(t)) => Some(text_of(files, file, at, &format!("{what} uncertainty"), t)),
        (Confidence::Confirmed, None) => None,
    };
    Provenance {
        cites,
        confidence,
        uncertainty,
        reviewed: reviewed.0,
    }
}

fn valid_id(id: &str, dotted: bool) -> bool {
    !id.is_empty()
        && id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && id.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || (dotted && c == '.')
        })
}

/// Loads and compiles a pack from its files. Paths are relative to the pack folder and use
/// `/` (`routes/work.toml`).
pub fn load(files: &[(String, String)]) -> Result<Pack, LoadErrors> {
    let mut fs = Files {
        files,
        errors: Vec::new(),
    };
    let has = |p: &str| files.iter().any(|(f, _)| f == p);
    for required in [
        "pack.toml",
        "facts.toml",
        "parameters.toml",
        "data/countries.toml",
    ] {
        if !has(required) {
            fs.errors.push(LoadError {
                loc: Loc {
                    file: required.into(),
                    line: 0,
                    col: 0,
                },
                message: "this file is missing from the pack".into(),
            });
        }
    }
    if !fs.errors.is_empty() {
        return Err(LoadErrors(fs.errors));
    }

    // pack.toml
    let Some(pf) = fs.parse::<PackFile>("pack.toml") else {
        return Err(LoadErrors(fs.errors));
    };
    let mut act_index = HashMap::new();
    let mut acts = Vec::new();
    for a in &pf.act {
        let at = a.id.span().start;
        if act_index
            .insert(a.id.get_ref().clone(), acts.len() as u16)
            .is_some()
        {
            fs.error(
                "pack.toml",
                at,
                format!("act `{}` is declared twice", a.id.get_ref()),
            );
        }
        let title = text_of(
            &mut fs,
            "pack.toml",
            at,
            &format!("act `{}` title", a.id.get_ref()),
            &a.title,
        );
        acts.push(Act {
            id: a.id.get_ref().clone(),
            title,
            reference: a.reference.clone(),
            url: a.url.clone(),
        });
    }
    for l in ["en", "ru", "kk"] {
        if !pf.pack.languages.iter().any(|x| x == l) {
            fs.error("pack.toml", 0, format!("`languages` must include `{l}`"));
        }
    }
    let meta = PackMeta {
        id: pf.pack.id.clone(),
        version: pf.pack.version.clone(),
        title: text_of(&mut fs, "pack.toml", 0, "pack title", &pf.pack.title),
        jurisdiction: pf.pack.jurisdiction.clone(),
        reviewed: pf.pack.reviewed.0,
        disclaimer: text_of(
            &mut fs,
            "pack.toml",
            0,
            "pack disclaimer",
            &pf.pack.disclaimer,
        ),
    };

    // data/countries.toml
    let mut countries = Vec::new();
    let mut country_index = HashMap::new();
    let mut groups = Vec::new();
    let mut group_members: HashMap<String, Vec<u16>> = HashMap::new();
    if let Some(cf) = fs.parse::<CountriesFile>("data/countries.toml") {
        let f = "data/countries.toml";
        for c in &cf.country {
            let at = c.code.span().start;
            let code = c.code.get_ref();
            if code.len() != 2 || !code.chars().all(|ch| ch.is_ascii_uppercase()) {
                fs.error(
                    f,
                    at,
                    format!(
                        "country code `{code}` must be two capital letters (ISO 3166-1 alpha-2)"
                    ),
                );
            }
            if country_index
                .insert(code.clone(), countries.len() as u16)
                .is_some()
            {
                fs.error(f, at, format!("country `{code}` is listed twice"));
            }
            let name = text_of(&mut fs, f, at, &format!("country `{code}` name"), &c.name);
            countries.push(Country {
                code: code.clone(),
                alpha3: c.alpha3.clone(),
                mrz: c.mrz.clone(),
                name,
            });
        }
        for g in &cf.group {
            let at = g.id.span().start;
            let gid = g.id.get_ref().clone();
            let mut members = Vec::new();
            for m in &g.members {
                match country_index.get(m) {
                    Some(&i) => members.push(i),
                    None => fs.error(
                        f,
                        at,
                        format!("group `{gid}` lists `{m}`, which is not a country in this file"),
                    ),
                }
            }
            members.sort_unstable();
            let name = text_of(&mut fs, f, at, &format!("group `{gid}` name"), &g.name);
            let reviewed = g
                .reviewed
                .or(cf.reviewed)
                .unwrap_or(PackDate(meta.reviewed));
            let provenance = provenance(
                &mut fs,
                &act_index,
                f,
                at,
                &format!("group `{gid}`"),
                &g.cite,
                g.confidence,
                &g.uncertainty,
                reviewed,
            );
            group_members.insert(gid.clone(), members.clone());
            groups.push(CountryGroup {
                id: gid,
                name,
                members,
                provenance,
            });
        }
    }

    // facts.toml
    let mut facts = Vec::new();
    let mut fact_index = HashMap::new();
    if let Some(ff) = fs.parse::<FactsFile>("facts.toml") {
        let f = "facts.toml";
        for src in &ff.fact {
            let at = src.id.span().start;
            let id = src.id.get_ref().clone();
            if !valid_id(&id, false) {
                fs.error(
                    f,
                    at,
                    format!("fact id `{id}` must be snake_case (a-z, 0-9, _)"),
                );
            }
            if fact_index
                .insert(id.clone(), facts.len() as FactIdx)
                .is_some()
            {
                fs.error(f, at, format!("fact `{id}` is declared twice"));
            }
            let kind = match src.kind {
                FactTypeSrc::Bool => FactType::Bool,
                FactTypeSrc::Enum => FactType::Enum,
                FactTypeSrc::Set => FactType::Set,
                FactTypeSrc::Integer => FactType::Integer,
                FactTypeSrc::Number => FactType::Number,
                FactTypeSrc::Money => {
                    match &src.currency {
                        Some(c) if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()) => {
                            FactType::Money(c.clone())
                        }
                        _ => {
                            fs.error(f, at, format!("money fact `{id}` needs `currency = \"KZT\"` (an ISO 4217 code)"));
                            FactType::Money("XXX".into())
                        }
                    }
                }
                FactTypeSrc::Date => FactType::Date,
                FactTypeSrc::Country => FactType::Country,
            };
            let wants_options = matches!(kind, FactType::Enum | FactType::Set);
            if wants_options && src.options.is_empty() {
                fs.error(f, at, format!("fact `{id}` needs `options`"));
            }
            if !wants_options && !src.options.is_empty() {
                fs.error(
                    f,
                    at,
                    format!("fact `{id}` is not an enum or set but has `options`"),
                );
            }
            if kind == FactType::Set && src.options.len() > 64 {
                fs.error(f, at, format!("set fact `{id}` has more than 64 options"));
            }
            let mut seen = HashSet::new();
            let mut options = Vec::new();
            for o in &src.options {
                if !valid_id(&o.id, false) || o.id == "unknown" {
                    fs.error(f, at, format!("option `{}` of `{id}` must be snake_case and not the reserved word `unknown`", o.id));
                }
                if !seen.insert(o.id.clone()) {
                    fs.error(
                        f,
                        at,
                        format!("option `{}` of `{id}` is listed twice", o.id),
                    );
                }
                let label = text_of(
                    &mut fs,
                    f,
                    at,
                    &format!("option `{}` of `{id}`", o.id),
                    &o.label,
                );
                options.push(FactOption {
                    id: o.id.clone(),
                    label,
                });
            }
            let label = text_of(&mut fs, f, at, &format!("fact `{id}` label"), &src.label);
            let question = text_of(
                &mut fs,
                f,
                at,
                &format!("fact `{id}` question"),
                &src.question,
            );
            let help = src
                .help
                .as_ref()
                .map(|h| text_of(&mut fs, f, at, &format!("fact `{id}` help"), h));
            facts.push(Fact {
                id,
                kind,
                label,
                question,
                help,
                options,
                min: src.min,
                max: src.max,
                ask_weight: src.ask_weight.unwrap_or(10),
                answered_by: src.answered_by.clone(),
            });
        }
    }

    // parameters.toml
    let mut params = Vec::new();
    let mut param_scope = HashMap::new();
    if let Some(pf) = fs.parse::<ParametersFile>("parameters.toml") {
        let f = "parameters.toml";
        for src in &pf.parameter {
            let at = src.id.span().start;
            let id = src.id.get_ref().clone();
            if !valid_id(&id, false) {
                fs.error(f, at, format!("parameter id `{id}` must be snake_case"));
            }
            let (ty, unit) = match src.unit {
                ParamUnitSrc::Money => match &src.currency {
                    Some(c) => (Ty::Money(c.clone()), "money"),
                    None => {
                        fs.error(f, at, format!("money parameter `{id}` needs `currency`"));
                        (Ty::Money("XXX".into()), "money")
                    }
                },
                ParamUnitSrc::Number => (Ty::Num, "number"),
                ParamUnitSrc::Days => (Ty::Num, "days"),
                ParamUnitSrc::Months => (Ty::Num, "months"),
                ParamUnitSrc::Years => (Ty::Num, "years"),
            };
            if src.value.is_empty() {
                fs.error(
                    f,
                    at,
                    format!("parameter `{id}` has no `[[parameter.value]]` rows"),
                );
            }
            let mut rows = Vec::new();
            for (i, row) in src.value.iter().enumerate() {
                let what = format!("parameter `{id}` value from {}", row.from.0);
                if let Some(prev) = src.value.get(i.wrapping_sub(1)).filter(|_| i > 0)
                    && row.from <= prev.from
                {
                    fs.error(
                        f,
                        at,
                        format!("{what}: rows must be in date order with distinct `from` dates"),
                    );
                }
                match (row.value, row.unknown) {
                    (Some(_), true) => fs.error(f, at, format!("{what}: give either `value` or `unknown = true`, not both")),
                    (None, false) => fs.error(f, at, format!("{what}: no `value` (write `unknown = true` where the sources do not give it)")),
                    _ => {}
                }
                let until = match src.value.get(i + 1) {
                    Some(next) => Some(next.from.0.add_days(-1)),
                    None => src.until.map(|d| d.0),
                };
                let prov = provenance(
                    &mut fs,
                    &act_index,
                    f,
                    at,
                    &what,
                    &row.cite,
                    row.confidence,
                    &row.uncertainty,
                    row.reviewed,
                );
                rows.push(ParamRow {
                    period: Period {
                        from: Some(row.from.0),
                        until,
                    },
                    value: row.value,
                    provenance: prov,
                });
            }
            let label = text_of(
                &mut fs,
                f,
                at,
                &format!("parameter `{id}` label"),
                &src.label,
            );
            if param_scope
                .insert(id.clone(), (params.len() as u16, ty.clone()))
                .is_some()
            {
                fs.error(f, at, format!("parameter `{id}` is declared twice"));
            }
            params.push(Param {
                id,
                label,
                ty,
                unit,
                rows,
            });
        }
    }

    let mut arena = Arena::default();

    // derived.toml — ordered so each definition only uses earlier ones.
    let mut derived = Vec::new();
    let mut derived_scope: HashMap<String, (u16, Ty)> = HashMap::new();
    if has("derived.toml")
        && let Some(df) = fs.parse::<DerivedFile>("derived.toml")
    {
        let f = "derived.toml";
        let mut parsed = Vec::new();
        for src in &df.derived {
            match expr::parse(src.expr.get_ref()) {
                Ok(ast) => parsed.push(Some(ast)),
                Err(e) => {
                    let off = fs.expr_offset(f, &src.expr, e.at);
                    fs.error(f, off, e.message);
                    parsed.push(None);
                }
            }
        }
        let by_id: HashMap<&str, usize> = df
            .derived
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.get_ref().as_str(), i))
            .collect();
        // Depth-first ordering with cycle detection.
        let mut state = vec![0u8; df.derived.len()]; // 0 new, 1 visiting, 2 done
        let mut order = Vec::new();
        fn visit(
            i: usize,
            parsed: &[Option<expr::Ast>],
            by_id: &HashMap<&str, usize>,
            state: &mut [u8],
            order: &mut Vec<usize>,
            cycle: &mut Option<usize>,
        ) {
            if state[i] == 2 {
                return;
            }
            if state[i] == 1 {
                *cycle = Some(i);
                return;
            }
            state[i] = 1;
            if let Some(ast) = &parsed[i] {
                let mut ns = Vec::new();
                names(ast, &mut ns);
                for (n, _) in ns {
                    if let Some(&j) = by_id.get(n.as_str()) {
                        visit(j, parsed, by_id, state, order, cycle);
                    }
                }
            }
            state[i] = 2;
            order.push(i);
        }
        for i in 0..df.derived.len() {
            let mut cycle = None;
            visit(i, &parsed, &by_id, &mut state, &mut order, &mut cycle);
            if let Some(c) = cycle {
                let at = df.derived[c].id.span().start;
                fs.error(
                    f,
                    at,
                    format!(
                        "derived fact `{}` is defined in terms of itself",
                        df.derived[c].id.get_ref()
                    ),
                );
            }
        }
        for i in order {
            let src = &df.derived[i];
            let at = src.id.span().start;
            let id = src.id.get_ref().clone();
            if fact_index.contains_key(&id) {
                fs.error(
                    f,
                    at,
                    format!("derived fact `{id}` has the same name as a fact"),
                );
            }
            let Some(ast) = &parsed[i] else { continue };
            let scope = Scope {
                facts: &facts,
                fact_index: &fact_index,
                derived: &derived_scope,
                params: &param_scope,
                countries: &country_index,
                groups: &group_members,
            };
            let mut c = Compiler {
                scope: &scope,
                arena: &mut arena,
            };
            match c.expr(ast) {
                Ok((node, ty)) => {
                    let label =
                        text_of(&mut fs, f, at, &format!("derived `{id}` label"), &src.label);
                    let provenance = if src.cite.is_empty() && src.confidence.is_none() {
                        None
                    } else {
                        let reviewed = src.reviewed.unwrap_or(PackDate(meta.reviewed));
                        Some(provenance(
                            &mut fs,
                            &act_index,
                            f,
                            at,
                            &format!("derived `{id}`"),
                            &src.cite,
                            src.confidence.unwrap_or(Confidence::Confirmed),
                            &src.uncertainty,
                            reviewed,
                        ))
                    };
                    derived_scope.insert(id.clone(), (derived.len() as u16, ty.clone()));
                    derived.push(Derived {
                        id,
                        label,
                        node,
                        ty,
                        provenance,
                    });
                }
                Err(e) => {
                    let off = fs.expr_offset(f, &src.expr, e.at);
                    fs.error(f, off, e.message);
                }
            }
        }
    }

    let scope = Scope {
        facts: &facts,
        fact_index: &fact_index,
        derived: &derived_scope,
        params: &param_scope,
        countries: &country_index,
        groups: &group_members,
    };

    // Compiles a spanned expression into the arena, reporting errors at their position.
    let compile = |fs: &mut Files<'_>,
                   arena: &mut Arena,
                   file: &str,
                   src: &Spanned<String>,
                   condition: bool|
     -> Option<(NodeIdx, Ty)> {
        let ast = match expr::parse(src.get_ref()) {
            Ok(a) => a,
            Err(e) => {
                let off = fs.expr_offset(file, src, e.at);
                fs.error(file, off, e.message);
                return None;
            }
        };
        let mut c = Compiler {
            scope: &scope,
            arena,
        };
        let r = if condition {
            c.condition(&ast).map(|n| (n, Ty::Bool))
        } else {
            c.expr(&ast)
        };
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                let off = fs.expr_offset(file, src, e.at);
                fs.error(file, off, e.message);
                None
            }
        }
    };

    let mut all_ids: HashSet<String> = HashSet::new();

    // routes/*.toml
    let mut route_files: Vec<&str> = files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.starts_with("routes/") && p.ends_with(".toml"))
        .collect();
    route_files.sort_unstable();
    let mut routes = Vec::new();
    for f in route_files {
        let Some(rf) = fs.parse::<RouteFile>(f) else {
            continue;
        };
        let r = &rf.route;
        let at = r.id.span().start;
        let rid = r.id.get_ref().clone();
        if !valid_id(&rid, false) {
            fs.error(f, at, format!("route id `{rid}` must be snake_case"));
        }
        if routes.iter().any(|x: &Route| x.id == rid) {
            fs.error(f, at, format!("route `{rid}` is defined twice"));
        }
        let mut clauses = Vec::new();
        for c in &rf.clause {
            let cat = c.id.span().start;
            let cid = c.id.get_ref().clone();
            if !cid.starts_with(&format!("{rid}.")) || !valid_id(&cid, true) {
                fs.error(f, cat, format!("clause id `{cid}` must start with the route id (`{rid}.…`) and be snake_case"));
            }
            if !all_ids.insert(cid.clone()) {
                fs.error(
                    f,
                    cat,
                    format!("clause id `{cid}` is used twice in the pack"),
                );
            }
            let what = format!("clause `{cid}`");
            let text = text_of(&mut fs, f, cat, &format!("{what} text"), &c.text);
            let fix = c
                .fix
                .as_ref()
                .map(|t| text_of(&mut fs, f, cat, &format!("{what} fix"), t));
            let rule_src = match c.kind {
                ClauseKind::Warning => {
                    if c.rule.is_some() {
                        fs.error(
                            f,
                            cat,
                            format!("{what} is a warning: use `triggers`, not `rule`"),
                        );
                    }
                    c.triggers.as_ref()
                }
                _ => {
                    if c.triggers.is_some() {
                        fs.error(
                            f,
                            cat,
                            format!("{what} is not a warning: use `rule`, not `triggers`"),
                        );
                    }
                    c.rule.as_ref()
                }
            };
            let Some(rule_src) = rule_src else {
                let key = if c.kind == ClauseKind::Warning {
                    "triggers"
                } else {
                    "rule"
                };
                fs.error(f, cat, format!("{what} needs `{key} = '…'`"));
                continue;
            };
            let rule = compile(&mut fs, &mut arena, f, rule_src, true);
            let applies_when = c
                .applies_when
                .as_ref()
                .and_then(|s| compile(&mut fs, &mut arena, f, s, true));
            let mut values = Vec::new();
            for (name, src) in &c.values {
                if let Some((n, ty)) = compile(&mut fs, &mut arena, f, src, false) {
                    values.push((name.clone(), n, ty));
                }
            }
            for lang in Lang::ALL {
                for ph in placeholders(text.get(lang)) {
                    if !c.values.contains_key(ph) {
                        fs.error(
                            f,
                            cat,
                            format!(
                                "{what} text ({}) uses `{{{ph}}}`, which is not in `values`",
                                lang.code()
                            ),
                        );
                    }
                }
            }
            let effective = period(&mut fs, f, cat, &what, &c.effective);
            let prov = provenance(
                &mut fs,
                &act_index,
                f,
                cat,
                &what,
                &c.cite,
                c.confidence,
                &c.uncertainty,
                c.reviewed,
            );
            let mut exceptions = Vec::new();
            for e in &c.exception {
                let eat = e.id.span().start;
                let eid = e.id.get_ref().clone();
                if !eid.starts_with(&format!("{cid}.")) || !valid_id(&eid, true) {
                    fs.error(
                        f,
                        eat,
                        format!("exception id `{eid}` must start with its clause id (`{cid}.…`)"),
                    );
                }
                if !all_ids.insert(eid.clone()) {
                    fs.error(
                        f,
                        eat,
                        format!("exception id `{eid}` is used twice in the pack"),
                    );
                }
                if c.kind == ClauseKind::Warning {
                    fs.error(f, eat, format!("warning `{cid}` cannot have exceptions; put the condition in `triggers`"));
                }
                let ewhat = format!("exception `{eid}`");
                let etext = text_of(&mut fs, f, eat, &format!("{ewhat} text"), &e.text);
                let when = compile(&mut fs, &mut arena, f, &e.when, true);
                let eeff = period(&mut fs, f, eat, &ewhat, &e.effective);
                let eprov = provenance(
                    &mut fs,
                    &act_index,
                    f,
                    eat,
                    &ewhat,
                    &e.cite,
                    e.confidence,
                    &e.uncertainty,
                    e.reviewed,
                );
                if let Some((w, _)) = when {
                    exceptions.push(Exception {
                        id: eid,
                        text: etext,
                        when: w,
                        effective: eeff,
                        provenance: eprov,
                    });
                }
            }
            let loc = fs.loc(f, cat);
            if let Some((rule, _)) = rule {
                clauses.push(Clause {
                    id: cid,
                    kind: c.kind,
                    text,
                    applies_when: applies_when.map(|(n, _)| n),
                    rule,
                    fix,
                    values,
                    effective,
                    exceptions,
                    provenance: prov,
                    loc,
                });
            }
        }
        let kind = match r.kind {
            RouteKindSrc::Temporary => RouteKind::Temporary,
            RouteKindSrc::Permanent => RouteKind::Permanent,
            RouteKindSrc::ShortStay => RouteKind::ShortStay,
        };
        if kind != RouteKind::ShortStay
            && !clauses.iter().any(|c| c.kind == ClauseKind::Eligibility)
        {
            fs.error(f, at, format!("route `{rid}` has no eligibility clause"));
        }
        let route = Route {
            name: text_of(&mut fs, f, at, &format!("route `{rid}` name"), &r.name),
            summary: text_of(
                &mut fs,
                f,
                at,
                &format!("route `{rid}` summary"),
                &r.summary,
            ),
            permit: text_of(&mut fs, f, at, &format!("route `{rid}` permit"), &r.permit),
            path_to_permanent: r.path_to_permanent,
            priority: r.priority,
            effective: period(&mut fs, f, at, &format!("route `{rid}`"), &r.effective),
            provenance: provenance(
                &mut fs,
                &act_index,
                f,
                at,
                &format!("route `{rid}`"),
                &r.cite,
                r.confidence,
                &r.uncertainty,
                r.reviewed,
            ),
            id: rid,
            kind,
            clauses,
            loc: fs.loc(f, at),
        };
        routes.push(route);
    }
    if routes.is_empty() {
        fs.error("routes", 0, "the pack has no routes (routes/*.toml)");
    }

    // warnings.toml
    let mut warnings = Vec::new();
    if has("warnings.toml")
        && let Some(wf) = fs.parse::<WarningsFile>("warnings.toml")
    {
        let f = "warnings.toml";
        for w in &wf.warning {
            let at = w.id.span().start;
            let id = w.id.get_ref().clone();
            if !valid_id(&id, true) {
                fs.error(f, at, format!("warning id `{id}` must be snake_case"));
            }
            if !all_ids.insert(id.clone()) {
                fs.error(
                    f,
                    at,
                    format!("warning id `{id}` is used twice in the pack"),
                );
            }
            let what = format!("warning `{id}`");
            let text = text_of(&mut fs, f, at, &format!("{what} text"), &w.text);
            let fix = w
                .fix
                .as_ref()
                .map(|t| text_of(&mut fs, f, at, &format!("{what} fix"), t));
            let triggers = compile(&mut fs, &mut arena, f, &w.triggers, true);
            let effective = period(&mut fs, f, at, &what, &w.effective);
            let prov = provenance(
                &mut fs,
                &act_index,
                f,
                at,
                &what,
                &w.cite,
                w.confidence,
                &w.uncertainty,
                w.reviewed,
            );
            if let Some((t, _)) = triggers {
                warnings.push(CaseWarning {
                    id,
                    text,
                    triggers: t,
                    fix,
                    effective,
                    provenance: prov,
                });
            }
        }
    }

    // documents.toml, data/apostille.toml, data/legal_assistance.toml
    let documents = crate::documents::load_rules(
        &mut fs,
        &act_index,
        &mut arena,
        &compile,
        &routes,
        &mut all_ids,
    );
    let formalities =
        crate::documents::formalities::load_tables(&mut fs, &act_index, &country_index);

    // data/calendar.toml and deadlines.toml (continuity)
    let (calendar, calendar_names) = continuity::load_calendar(&mut fs, &act_index);
    let route_ids: Vec<String> = routes.iter().map(|r| r.id.clone()).collect();
    let deadlines = continuity::load_deadlines(
        &mut fs,
        &act_index,
        &params,
        &route_ids,
        &mut arena,
        &compile,
        &mut all_ids,
    );

    let data_files: Vec<(String, String)> = files
        .iter()
        .filter(|(p, _)| p.starts_with("data/") && p != "data/countries.toml")
        .cloned()
        .collect();
    for (p, _) in files {
        let known =
            matches!(
                p.as_str(),
                "pack.toml"
                    | "facts.toml"
                    | "parameters.toml"
                    | "derived.toml"
                    | "warnings.toml"
                    | "documents.toml"
                    | "deadlines.toml"
            ) || (p.starts_with("routes/") || p.starts_with("tests/") || p.starts_with("data/"))
                && p.ends_with(".toml");
        if !known {
            fs.error(p, 0, "unexpected file in the pack (expected pack.toml, facts.toml, parameters.toml, derived.toml, warnings.toml, documents.toml, routes/*.toml, data/*.toml, tests/*.toml)");
        }
    }

    let mut pack = Pack {
        meta,
        acts,
        facts,
        derived,
        params,
        routes,
        warnings,
        countries,
        groups,
        nodes: arena.nodes,
        kids: arena.kids,
        lists: arena.lists,
        scenarios: Vec::new(),
        data_files,
        documents,
        formalities,
        calendar,
        calendar_names,
        deadlines,
        fact_index,
        country_index,
    };

    continuity::check_ground_facts(&mut fs, &pack);

    // tests/*.toml — checked against the compiled pack.
    if fs.errors.is_empty() {
        let mut test_files: Vec<&str> = files
            .iter()
            .map(|(p, _)| p.as_str())
            .filter(|p| p.starts_with("tests/") && p.ends_with(".toml"))
            .collect();
        test_files.sort_unstable();
        let mut seen = HashSet::new();
        let mut scenarios = Vec::new();
        for f in test_files {
            let Some(sf) = fs.parse::<ScenarioFile>(f) else {
                continue;
            };
            for s in sf.scenario {
                if let Some(sc) = scenario(&mut fs, &pack, f, s, &mut seen) {
                    scenarios.push(sc);
                }
            }
        }
        pack.scenarios = scenarios;
    }

    if fs.errors.is_empty() {
        Ok(pack)
    } else {
        Err(LoadErrors(fs.errors))
    }
}

fn scenario(
    fs: &mut Files<'_>,
    pack: &Pack,
    f: &str,
    s: ScenarioSrc,
    seen: &mut HashSet<String>,
) -> Option<Scenario> {
    let at = s.id.span().start;
    let id = s.id.get_ref().clone();
    if !seen.insert(id.clone()) {
        fs.error(f, at, format!("scenario `{id}` is defined twice"));
    }
    let mut raw = BTreeMap::new();
    for (k, v) in s.facts {
        match RawValue::from_toml(v) {
            Ok(r) => {
                raw.insert(k, r);
            }
            Err(m) => fs.error(f, at, format!("scenario `{id}`: facts.{k}: {m}")),
        }
    }
    let facts = match bind_table(pack, &raw, "facts") {
        Ok(fx) => fx,
        Err(CaseError::Fields(errs)) => {
            for e in errs {
                fs.error(f, at, format!("scenario `{id}`: {e}"));
            }
            return None;
        }
        Err(e) => {
            fs.error(f, at, format!("scenario `{id}`: {e}"));
            return None;
        }
    };
    let route = |fs: &mut Files<'_>, r: &str| -> Option<usize> {
        let i = pack.route_idx(r);
        if i.is_none() {
            fs.error(
                f,
                at,
                format!("scenario `{id}` names route `{r}`, which the pack does not have"),
            );
        }
        i
    };
    let mut expect = Vec::new();
    for (r, v) in &s.expect {
        let Some(ri) = route(fs, r) else { continue };
        match Verdict::parse(v) {
            Some(vd) => expect.push((ri, vd)),
            None => fs.error(f, at, format!("scenario `{id}`: `{v}` is not a verdict (fits, fits_with_conditions, needs_information, does_not_fit)")),
        }
    }
    let mut expect_reasons = Vec::new();
    for (r, ids) in &s.expect_reasons {
        let Some(ri) = route(fs, r) else { continue };
        for cid in ids {
            if pack.find_clause(cid).is_none_or(|(rr, _, _)| rr != ri) {
                fs.error(
                    f,
                    at,
                    format!("scenario `{id}`: `{cid}` is not a clause or exception of route `{r}`"),
                );
            }
        }
        expect_reasons.push((ri, ids.clone()));
    }
    let mut expect_missing = Vec::new();
    for (r, fids) in &s.expect_missing {
        let Some(ri) = route(fs, r) else { continue };
        let mut idxs = Vec::new();
        for fid in fids {
            match pack.fact_idx(fid) {
                Some(i) => idxs.push(i),
                None => fs.error(f, at, format!("scenario `{id}`: `{fid}` is not a fact")),
            }
        }
        expect_missing.push((ri, idxs));
    }
    for w in s.expect_warnings.iter().chain(&s.expect_no_warnings) {
        let known = pack.warnings.iter().any(|x| &x.id == w)
            || pack.routes.iter().any(|r| {
                r.clauses
                    .iter()
                    .any(|c| c.kind == ClauseKind::Warning && &c.id == w)
            });
        if !known {
            fs.error(
                f,
                at,
                format!("scenario `{id}`: `{w}` is not a warning of the pack"),
            );
        }
    }
    if s.expect.is_empty() {
        fs.error(
            f,
            at,
            format!("scenario `{id}` expects nothing (`expect = {{ route = \"verdict\" }}`)"),
        );
    }
    Some(Scenario {
        id,
        description: s.description,
        as_of: s.as_of.0,
        raw_facts: raw,
        facts,
        expect,
        expect_reasons,
        expect_missing,
        expect_warnings: s.expect_warnings,
        expect_no_warnings: s.expect_no_warnings,
        loc: fs.loc(f, at),
    })
}

/// The `{name}` placeholders of a text.
pub fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
}

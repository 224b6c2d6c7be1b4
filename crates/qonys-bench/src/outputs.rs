//! How each OpenFisca output is read from a qonys evaluation, by name and nothing else: a
//! derived fact of the pack (`eaeu_citizen`), a route's verdict (`work_fits` is "route `work`
//! fits"), or `n_routes_fitting`, the number of routes whose verdict is `fits`. The rules
//! themselves live only in the pack.

use anyhow::{Result, bail};
use qonys_law::Pack;
use qonys_law::engine::{ColumnarEvaluator, Columns, Verdict};
use qonys_law::pack::{Ty, V};

#[derive(Debug, Clone, Copy)]
enum Out {
    Derived(usize),
    Route(usize),
    Count,
}

/// The outputs in the CSV's order.
#[derive(Debug, Clone)]
pub struct OutputMap {
    names: Vec<String>,
    outs: Vec<Out>,
    route_col: Vec<Option<usize>>,
}

impl OutputMap {
    /// Resolves every output name against the pack.
    pub fn new(pack: &Pack, names: &[String]) -> Result<OutputMap> {
        let mut outs = Vec::new();
        let mut route_col = vec![None; pack.routes.len()];
        for (i, name) in names.iter().enumerate() {
            let o = if let Some(d) = pack.derived.iter().position(|d| &d.id == name) {
                if pack.derived[d].ty != Ty::Bool {
                    bail!("output `{name}` is a derived fact that is not a yes/no value");
                }
                Out::Derived(d)
            } else if let Some(r) = name.strip_suffix("_fits").and_then(|id| pack.route_idx(id)) {
                route_col[r] = Some(i);
                Out::Route(r)
            } else if name == "n_routes_fitting" {
                Out::Count
            } else {
                bail!(
                    "output `{name}` is neither a derived fact, nor `<route>_fits`, nor `n_routes_fitting` in pack {}",
                    pack.meta.id
                );
            };
            outs.push(o);
        }
        Ok(OutputMap {
            names: names.to_vec(),
            outs,
            route_col,
        })
    }

    /// The number of outputs.
    pub fn len(&self) -> usize {
        self.outs.len()
    }

    /// The name of output `i`.
    pub fn name(&self, i: usize) -> &str {
        &self.names[i]
    }

    /// The output column of route `r`, if it is an output.
    pub fn route_col(&self, r: usize) -> Option<usize> {
        self.route_col.get(r).copied().flatten()
    }

    /// Writes the outputs of the last chunk (`m` people) row by row into `dst`
    /// (`0`/`1`, the count, or `255` for an unknown value).
    pub fn write(&self, ce: &ColumnarEvaluator, cols: &Columns, m: usize, dst: &mut [u8]) {
        let k = self.outs.len();
        for (i, o) in self.outs.iter().enumerate() {
            match *o {
                Out::Derived(d) => match ce.derived_truths(d) {
                    Some(t) => {
                        for (lane, &t) in t.iter().enumerate().take(m) {
                            dst[lane * k + i] = match t {
                                2 => 1,
                                0 => 0,
                                _ => 255,
                            };
                        }
                    }
                    None => {
                        for lane in 0..m {
                            dst[lane * k + i] = truth_u8(ce.derived_value(cols, d, lane));
                        }
                    }
                },
                Out::Route(r) => {
                    for (lane, &v) in ce.verdicts(r).iter().enumerate().take(m) {
                        dst[lane * k + i] = u8::from(v == Verdict::Fits);
                    }
                }
                Out::Count => {
                    for lane in 0..m {
                        dst[lane * k + i] = 0;
                    }
                    for r in 0..self.route_col.len() {
                        for (lane, &v) in ce.verdicts(r).iter().enumerate().take(m) {
                            dst[lane * k + i] += u8::from(v == Verdict::Fits);
                        }
                    }
                }
            }
        }
    }

    /// The outputs of one person from the scalar evaluator's verdicts and derived values.
    pub fn of_scalar(&self, verdicts: &[Verdict], derived: &[V]) -> Vec<u8> {
        let fits = verdicts.iter().filter(|&&v| v == Verdict::Fits).count() as u8;
        self.outs
            .iter()
            .map(|o| match *o {
                Out::Derived(d) => truth_u8(derived.get(d).copied().unwrap_or(V::Unknown)),
                Out::Route(r) => u8::from(verdicts.get(r) == Some(&Verdict::Fits)),
                Out::Count => fits,
            })
            .collect()
    }

    /// The outputs as a JSON object (`{"eaeu_citizen":true,…,"n_routes_fitting":2}`).
    pub fn to_json(&self, vals: &[u8], out: &mut String) {
        use std::fmt::Write;
        out.clear();
        out.push('{');
        for (i, (name, o)) in self.names.iter().zip(&self.outs).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(name);
            out.push_str("\":");
            match (o, vals[i]) {
                (Out::Count, n) => {
                    let _ = write!(out, "{n}");
                }
                (_, 0) => out.push_str("false"),
                (_, 1) => out.push_str("true"),
                _ => out.push_str("null"),
            }
        }
        out.push('}');
    }
}

fn truth_u8(v: V) -> u8 {
    match v {
        V::Bool(true) => 1,
        V::Bool(false) => 0,
        _ => 255,
    }
}

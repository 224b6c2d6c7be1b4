//! The qonys core: the rule-pack format and its loader ([`pack`]), cases and their facts
//! ([`case`]), and the three-valued route engine with explanations ([`engine`]).
//!
//! Architecture invariant: nothing in this crate performs IO or reads the clock. Packs are
//! given as `(path, text)` pairs, cases as text, and the as-of date as a parameter, so every
//! result is a pure function of its inputs.

pub mod bundled;
pub mod case;
pub mod continuity;
pub mod documents;
pub mod engine;
pub mod interview;
pub mod pack;
pub mod scenario;

pub use case::{CaseFile, Facts};
pub use engine::{Assessment, Verdict, assess};
pub use pack::{Lang, Pack, load};
pub use qonys_time::Date;

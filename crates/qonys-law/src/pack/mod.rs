//! Rule packs: the file format ([`source`]), the condition language ([`expr`]), type
//! checking ([`compile`]), loading with located errors ([`load`]) and the compiled model the
//! engine reads ([`model`]).

pub(crate) mod compile;
pub mod deadline;
pub mod expr;
pub mod load;
pub mod model;
pub mod source;

pub use load::{LoadError, LoadErrors, Scenario, closest, line_col, load, placeholders};
pub use model::*;

//! The route engine: evaluation of compiled expressions in three-valued logic
//! ([`eval`]), the assessment of every route for one person on one date ([`assess`]) and the
//! explanation of each verdict — which facts decide an open route, and what would have to
//! change for a failing one to fit ([`explain`]).

mod assess;
pub mod batch;
pub mod eval;
pub mod explain;

pub use assess::{Assessment, ClauseResult, Evaluator, Outcome, RouteResult, Verdict, assess};
pub use batch::{ColumnarEvaluator, Columns, FactColumn, clause_outcomes};

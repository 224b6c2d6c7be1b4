//! Accounts and sign-in: password hashing ([`password`]), sessions, the CSRF token and the
//! role extractors ([`session`]), the login rate limit ([`limit`]), who may open which case
//! ([`access`]) and the pages: sign-in, sign-out, the first administrator's setup link and
//! invitation links ([`pages`]).

pub mod access;
pub mod limit;
pub mod pages;
pub mod password;
pub mod session;

pub use access::{load_case, may_open};
pub use session::{Admin, Staff, Viewer};

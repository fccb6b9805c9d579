//! `sqibs-filter`: a payload tester and filter debugger for Callgoose SQIBS API filters.
//!
//! Filter files (TOML) describe the ordered API filters of Callgoose services; [`eval::evaluate`] tells
//! what Callgoose would do with a request body. The binary is a thin shell over [`run`].

pub mod diagnostic;
pub mod eval;
pub mod filter;
pub mod keypath;
pub mod outcome;
pub mod payload;
pub mod semantics;
pub mod suggest;
pub mod warning;

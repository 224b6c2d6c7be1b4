//! The qonys core.

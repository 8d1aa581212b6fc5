//! mangopay bindings (to be written).

/// The code catalog: see `threeds_wire::catalog` for the format.
pub const CATALOG_CSV: &str = include_str!("../catalog.csv");

//! Which PSP a document, a request or a flow belongs to.
//!
//! [`Provider`] is an open id, not a closed enum: each PSP's folder (`src/psp/<name>/`)
//! defines its own constant (`Provider::CHECKOUT`, ...) and a PSP registered at run time
//! through [`crate::psp::register`] has one too, so no core module lists the PSPs. Text
//! (CLI arguments, catalog override files, a serialized [`crate::model::Authentication`])
//! becomes a `Provider` only through the registry, so an id nobody registered is refused
//! with the list of the ones that are.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A PSP's id: lowercase ASCII, the same word in the output's `provider` field, the CLI's
/// `--provider`, the catalogs' `provider` column and the sandbox's URL prefix.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Provider(&'static str);

impl Provider {
    /// The provider with id `id`. Only a PSP's own folder (or a test PSP) names its id
    /// this way; everything else gets providers from the registry.
    pub const fn new(id: &'static str) -> Self {
        Provider(id)
    }

    /// The id, e.g. `checkout`.
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A provider id that no registered PSP has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider '{}' (expected {expected})", threeds_wire::excerpt(.given))]
pub struct UnknownProvider {
    /// What was given (quoted in the message only as an excerpt).
    pub given: String,
    /// The registered ids, as a sentence: `checkout, paysafe, mangopay or pxp`.
    pub expected: String,
}

impl FromStr for Provider {
    type Err = UnknownProvider;

    /// The registered PSP whose id is `s`.
    fn from_str(s: &str) -> Result<Self, UnknownProvider> {
        crate::psp::find(s)
            .map(|psp| psp.id())
            .ok_or_else(|| UnknownProvider {
                given: s.to_owned(),
                expected: crate::psp::ids_sentence(),
            })
    }
}

impl Serialize for Provider {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for Provider {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        id.parse().map_err(serde::de::Error::custom)
    }
}

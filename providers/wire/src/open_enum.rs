//! String enums that keep values the PSP adds later.
//!
//! A PSP adding a status must never break parsing (the failure Hyperswitch users hit in
//! production) and must never be guessed into a known value. [`open_enum!`](crate::open_enum!) generates an enum
//! with one variant per documented value plus `Unknown(String)`, which keeps the value
//! verbatim so the bridge can report it.
//!
//! These enums are deliberately exhaustive (no `#[non_exhaustive]`, unlike the crates'
//! error and configuration enums): the bridge maps wire values one by one, so a documented
//! value it does not map is a compile error there instead of a silent default, while a
//! value the PSP adds later arrives in `Unknown` at run time. Every generated enum says so
//! in its own documentation.

/// What every [`open_enum!`](crate::open_enum!) type offers, for code generic over them (request validation
/// insists on documented values even though responses keep unknown ones).
pub trait OpenEnum {
    /// Every documented spelling.
    const KNOWN: &'static [&'static str];
    /// False for a value this version does not know.
    fn is_known(&self) -> bool;
}

#[doc(hidden)]
pub mod __private {
    pub use serde;
}

/// Declares an open string enum: `open_enum! { pub enum Status { Pending = "pending" } }`.
///
/// The generated type has `as_str`, `is_known`, `KNOWN` (the documented spellings),
/// `From<&str>`, `Display`, and serde impls that read and write the PSP's spelling. It also
/// accepts a JSON number where a PSP sends one (`"colorDepthBits": 24`).
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        ///
        /// Exhaustive on purpose (an [open enum](threeds_wire::open_enum)): a documented
        /// value the bridge does not map is a compile error there; a value the PSP adds
        /// later arrives in `Unknown`, kept verbatim.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every documented spelling, in declaration order.
            pub const KNOWN: &'static [&'static str] = &[$($value),+];

            /// The PSP's spelling of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )+
                    Self::Unknown(other) => other,
                }
            }

            /// False for a value this version does not know.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl $crate::open_enum::OpenEnum for $name {
            const KNOWN: &'static [&'static str] = &[$($value),+];
            fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::open_enum::__private::serde::Serialize for $name {
            fn serialize<S>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::open_enum::__private::serde::Serializer,
            {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::open_enum::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(d: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::open_enum::__private::serde::Deserializer<'de>,
            {
                let raw = <$crate::NumOrStr as $crate::open_enum::__private::serde::Deserialize>::deserialize(d)?;
                Ok(Self::from(raw.as_str()))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::open_enum! {
        /// Test enum.
        #[allow(dead_code)]
        pub enum Color { Red = "red", Green = "GREEN" }
    }

    #[test]
    fn known_values_round_trip() {
        let c: Color = serde_json::from_str("\"GREEN\"").unwrap();
        assert_eq!(c, Color::Green);
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"GREEN\"");
        assert_eq!(Color::KNOWN, ["red", "GREEN"]);
    }

    #[test]
    fn unknown_values_are_kept_verbatim() {
        let c: Color = serde_json::from_str("\"blue\"").unwrap();
        assert_eq!(c, Color::Unknown("blue".into()));
        assert!(!c.is_known());
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"blue\"");
    }

    #[test]
    fn numbers_are_read_as_their_text() {
        let c: Color = serde_json::from_str("24").unwrap();
        assert_eq!(c.as_str(), "24");
    }
}

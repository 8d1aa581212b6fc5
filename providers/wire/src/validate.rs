//! Field-limit validation for requests before they are sent.
//!
//! Each provider crate checks its own request type against the PSP's documented limits
//! (required fields, maximum lengths, ranges, patterns) and reports every violation with the
//! JSON path of the field, so a caller can fix them all at once.

use std::fmt;

/// What is wrong with one field. Exhaustive on purpose: the simulators word each kind the
/// way their PSP does, so a new kind must be a compile error there, not a default message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The PSP requires the field and it is absent.
    Missing,
    /// Longer than the PSP accepts (in characters).
    TooLong { max: usize, actual: usize },
    /// Shorter than the PSP accepts (in characters).
    TooShort { min: usize, actual: usize },
    /// A number outside the PSP's range.
    OutOfRange { min: i64, max: i64, actual: i64 },
    /// A value the PSP does not accept, with what it expects.
    Invalid { expected: String },
}

/// One violation: the JSON path (`card.cardExpiry.month`) and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub path: String,
    pub problem: Problem,
}

impl fmt::Display for FieldViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = &self.path;
        match &self.problem {
            Problem::Missing => write!(f, "{path}: required by the PSP but missing"),
            Problem::TooLong { max, actual } => {
                write!(
                    f,
                    "{path}: {actual} characters, the PSP accepts at most {max}"
                )
            }
            Problem::TooShort { min, actual } => {
                write!(
                    f,
                    "{path}: {actual} characters, the PSP needs at least {min}"
                )
            }
            Problem::OutOfRange { min, max, actual } => {
                write!(
                    f,
                    "{path}: {actual} is outside the PSP's range {min}..={max}"
                )
            }
            Problem::Invalid { expected } => write!(f, "{path}: expected {expected}"),
        }
    }
}

/// Collects violations while walking a request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Violations(pub Vec<FieldViolation>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, path: impl Into<String>, problem: Problem) {
        self.0.push(FieldViolation {
            path: path.into(),
            problem,
        });
    }

    /// Records `Missing` when a required field is absent.
    pub fn require<T>(&mut self, path: &str, value: Option<&T>) {
        if value.is_none() {
            self.push(path, Problem::Missing);
        }
    }

    /// Checks a string's length in characters against `min..=max`.
    pub fn length(&mut self, path: &str, value: Option<&str>, min: usize, max: usize) {
        if let Some(v) = value {
            let actual = v.chars().count();
            if actual > max {
                self.push(path, Problem::TooLong { max, actual });
            } else if actual < min {
                self.push(path, Problem::TooShort { min, actual });
            }
        }
    }

    /// Checks a number against `min..=max`.
    pub fn range(&mut self, path: &str, value: Option<i64>, min: i64, max: i64) {
        if let Some(actual) = value {
            if actual < min || actual > max {
                self.push(path, Problem::OutOfRange { min, max, actual });
            }
        }
    }

    /// Records `Invalid` unless `ok` holds for the present value.
    pub fn check<T: ?Sized>(
        &mut self,
        path: &str,
        value: Option<&T>,
        expected: &str,
        ok: impl Fn(&T) -> bool,
    ) {
        if let Some(v) = value {
            if !ok(v) {
                self.push(
                    path,
                    Problem::Invalid {
                        expected: expected.to_owned(),
                    },
                );
            }
        }
    }

    /// Records `Invalid` for a value its open enum does not know: a request must use a
    /// documented value, even though responses keep unknown ones.
    pub fn documented<E: crate::open_enum::OpenEnum>(&mut self, path: &str, value: Option<&E>) {
        self.check(
            path,
            value,
            &format!("one of {}", E::KNOWN.join(", ")),
            E::is_known,
        );
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldViolation> {
        self.0
    }
}

/// A request type that can check itself against its PSP's documented limits.
pub trait Validate {
    /// Every violation, with the JSON path of the field. Empty when the request is valid.
    fn validate(&self) -> Vec<FieldViolation>;
}

/// Joins a parent path and a field name: `join("card", "number") == "card.number"`.
pub fn join(parent: &str, field: &str) -> String {
    if parent.is_empty() {
        field.to_owned()
    } else {
        format!("{parent}.{field}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_violation_with_its_path() {
        let mut v = Violations::new();
        v.require::<String>("currency", None);
        v.length("reference", Some("x".repeat(101).as_str()), 0, 100);
        v.range("amount", Some(-1), 0, 99_999_999_999);
        v.check("currency", Some("eu"), "3 letters", |c: &str| c.len() == 3);
        let text: Vec<String> = v.0.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "currency: required by the PSP but missing",
                "reference: 101 characters, the PSP accepts at most 100",
                "amount: -1 is outside the PSP's range 0..=99999999999",
                "currency: expected 3 letters",
            ]
        );
    }
}
